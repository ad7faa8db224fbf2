import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../worker/db/client.ts";
import { openExchangeCredentials } from "../../../worker/keys/exchange-credentials.ts";
import { addExchangeKey } from "../../../worker/keys/exchange-keys.ts";
import { createKeyring } from "../../../worker/keys/keyring.ts";
import { noPortfolioEngine } from "../../../worker/keys/portfolio-control.ts";
import { rotateSecrets } from "../../../worker/keys/rotation.ts";
import { openSecret, type SecretBinding, sealSecret } from "../../../worker/keys/sealed-secret.ts";
import { signIn, testApp, userId } from "./support.ts";

const MASTER_V1 = "first-master-secret-0123456789abcdefghij";
const MASTER_V2 = "second-master-secret-0123456789abcdefghij";
const binding: SecretBinding = { userId: "user-1", kind: "exchange_key", recordId: "key-1" };

describe("sealed secrets (AES-256-GCM, HKDF data key, bound to user + kind + record)", () => {
  it("round-trips and never repeats an IV", async () => {
    const keyring = createKeyring(1, MASTER_V1);
    const a = await sealSecret(keyring, binding, "api-secret-value");
    const b = await sealSecret(keyring, binding, "api-secret-value");
    expect(a.keyVersion).toBe(1);
    expect(a.sealed).not.toContain("api-secret-value");
    expect(a.sealed.split(".")[0]).not.toBe(b.sealed.split(".")[0]);
    expect(await openSecret(keyring, binding, a)).toBe("api-secret-value");
  });

  it("detects tampering with the ciphertext, the IV, or the record it is bound to", async () => {
    const keyring = createKeyring(1, MASTER_V1);
    const sealed = await sealSecret(keyring, binding, "api-secret-value");
    const [iv = "", ciphertext = ""] = sealed.sealed.split(".");
    const flip = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);
    await expect(openSecret(keyring, binding, { ...sealed, sealed: `${iv}.${flip(ciphertext)}` })).rejects.toThrow(
      /failed authentication/,
    );
    await expect(openSecret(keyring, binding, { ...sealed, sealed: `${flip(iv)}.${ciphertext}` })).rejects.toThrow();
    for (const moved of [
      { ...binding, userId: "user-2" },
      { ...binding, kind: "ai_key" as const },
      { ...binding, recordId: "key-2" },
    ])
      await expect(openSecret(keyring, moved, sealed)).rejects.toThrow(/failed authentication/);
  });

  it("refuses a record sealed with a master version that is not configured, or another master", async () => {
    const sealed = await sealSecret(createKeyring(1, MASTER_V1), binding, "x");
    await expect(openSecret(createKeyring(2, MASTER_V2), binding, sealed)).rejects.toThrow(/version 1/);
    await expect(openSecret(createKeyring(1, MASTER_V2), binding, sealed)).rejects.toThrow(/failed authentication/);
  });
});

describe("master key rotation", () => {
  // Storage is shared with the other test files, whose secrets are sealed with the suite's MASTER_KEY as version 1.
  // So this test plays "rotate from retired version 9 to the current version 1": nothing else gets rewritten.
  const suiteMaster = String(Reflect.get(env, "MASTER_KEY"));

  it("re-encrypts stored keys to the current version, after which the old master is no longer needed", async () => {
    const owner = await userId(await signIn(testApp()));
    const db = openDatabase(env.DB);
    const retired = createKeyring(9, MASTER_V1);
    const key = await addExchangeKey(
      {
        db,
        keyring: retired,
        verify: async () => ({
          outcome: "verified",
          permissions: { canTrade: true, canWithdraw: false, spot: true, futures: false },
        }),
        portfolios: noPortfolioEngine,
        extraHosts: [],
        now: new Date(),
      },
      owner,
      {
        venue: "binance",
        environment: "testnet",
        label: "rotation",
        apiKey: "rotation-api-key-0001",
        apiSecret: "rotation-secret-0001",
      },
    );
    const current = createKeyring(1, suiteMaster);
    await expect(openExchangeCredentials(db, current, owner, key.id)).rejects.toThrow(/version 9/);

    const rotating = createKeyring(1, suiteMaster, `9:${MASTER_V1}`);
    let report = await rotateSecrets(db, rotating);
    let exchangeKeys = report.exchangeKeys;
    while (!report.done) {
      report = await rotateSecrets(db, rotating, report.cursor ?? undefined);
      exchangeKeys += report.exchangeKeys;
    }
    expect(exchangeKeys).toBeGreaterThanOrEqual(1);

    const row = await env.DB.prepare("SELECT key_version FROM exchange_keys WHERE id = ?").bind(key.id).first();
    expect(row?.key_version).toBe(1);
    const credentials = await openExchangeCredentials(db, current, owner, key.id);
    expect(credentials).toMatchObject({ apiKey: "rotation-api-key-0001", apiSecret: "rotation-secret-0001" });
    expect((await rotateSecrets(db, rotating)).exchangeKeys).toBe(0);
  });

  it("counts records that fail to decrypt as unreadable and passes over them, more than a batch of them too", async () => {
    const app = testApp({}, { MASTER_KEY_PREVIOUS: `9:${MASTER_V1}` });
    const admin = await signIn(app, "admin@ballast.test");
    const owner = await userId(await signIn(app));
    const db = openDatabase(env.DB);
    const readable = await addExchangeKey(
      {
        db,
        keyring: createKeyring(9, MASTER_V1),
        verify: async () => ({
          outcome: "verified",
          permissions: { canTrade: true, canWithdraw: false, spot: true, futures: false },
        }),
        portfolios: noPortfolioEngine,
        extraHosts: [],
        now: new Date(),
      },
      owner,
      { venue: "bybit", environment: "testnet", label: "readable", apiKey: "readable-key-0001", apiSecret: "s-0001" },
    );
    // Damaged in D1: more than a batch of records that sort before the readable one, each holding a sealed value
    // that fails authentication (a flipped ciphertext, or another record's ciphertext, which is bound to that one).
    const { sealed } = (await env.DB.prepare("SELECT sealed FROM exchange_keys WHERE id = ?")
      .bind(readable.id)
      .first<{ sealed: string }>()) ?? { sealed: "" };
    const [iv = "", ciphertext = ""] = sealed.split(".");
    const flipped = `${iv}.${ciphertext[0] === "A" ? "B" : "A"}${ciphertext.slice(1)}`;
    const damaged = Array.from({ length: 60 }, (_, i) => `0000-damaged-${String(i).padStart(2, "0")}-${owner}`);
    await env.DB.batch(
      damaged.map((id, i) =>
        env.DB.prepare(
          `INSERT INTO exchange_keys (id, user_id, venue, environment, label, sealed, key_version, api_key_last4,
             api_secret_last4, status, created_at, updated_at)
           SELECT ?, user_id, venue, environment, ?, ?, key_version, api_key_last4, api_secret_last4, status,
             created_at, updated_at FROM exchange_keys WHERE id = ?`,
        ).bind(id, `damaged ${i}`, i === 0 ? flipped : sealed, readable.id),
      ),
    );

    const replies = [];
    let cursor: string | null = null;
    do {
      const reply = await admin.post(
        `/api/admin/secrets/rotate${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(reply.status).toBe(200);
      replies.push(reply.body);
      cursor = reply.body.cursor as string | null;
      expect(replies.length).toBeLessThan(10);
    } while (!replies.at(-1)?.done);

    const skipped = replies.flatMap((r) => (r.skipped as { recordId: string; kind: string }[]).map((s) => s.recordId));
    expect(skipped).toEqual(expect.arrayContaining(damaged));
    expect(replies.at(-1)).toMatchObject({ done: true, cursor: null });
    expect(replies.at(-1)?.unreadable).toBeGreaterThanOrEqual(damaged.length);
    const row = await env.DB.prepare("SELECT key_version FROM exchange_keys WHERE id = ?").bind(readable.id).first();
    expect(row?.key_version).toBe(1);
    expect(JSON.stringify(replies)).not.toContain(ciphertext.slice(0, 16));

    await env.DB.prepare("DELETE FROM exchange_keys WHERE user_id = ? AND label LIKE 'damaged %'").bind(owner).run();
  });
});
