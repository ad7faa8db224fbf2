// What the engine bench runs against: a signed-in user, simulator accounts with their exchange keys, and portfolios.
// The first key of a group goes through the real API (POST /api/keys/exchange verifies it with the simulator); the
// rest are sealed here with the worker's own sealSecret, because the API allows 10 key changes a minute and a token
// runs in at most one running portfolio per key. Portfolios are D1 rows, either as a start leaves them or as drafts
// started by their objects.
import { createKeyring, type Keyring } from "../worker/keys/keyring.ts";
import type { D1, LocalWorker } from "./local-worker.ts";

export type SimAccount = { apiKey: string; apiSecret: string };
export type BenchUser = { id: string; cookie: string };

const CAPITAL = "10000";
const CASH = "USDT";
const BENCH_TOKENS = ["BTC", "ETH"];
const TOKENS = JSON.stringify(
  BENCH_TOKENS.map((token) => ({ token, minAllocation: 10, targetAllocation: null, maxAllocation: null })),
);
/** The Binance spot symbols every bench portfolio trades. */
export const BENCH_SYMBOLS = BENCH_TOKENS.map((token) => `${token}${CASH}`);
const LEDGER = JSON.stringify({
  kind: "spot",
  assets: { [CASH]: CAPITAL, ...Object.fromEntries(BENCH_TOKENS.map((token) => [token, "0"])) },
});
const ROWS_PER_BATCH = 100;

export async function signIn(worker: LocalWorker, email: string): Promise<BenchUser> {
  const response = await worker.api("POST", "/api/auth/dev", { body: { email } });
  if (!response.ok) throw new Error(`dev sign-in answered ${response.status}: ${await response.text()}`);
  const { user } = (await response.json()) as { user: { id: string } };
  return { id: user.id, cookie: (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
}

/** A Binance spot account holding only the portfolio's cash, so a live portfolio's ledger matches its balances. */
export async function createSimAccount(simUrl: string): Promise<SimAccount> {
  const response = await fetch(`${simUrl}/control/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ venue: "binance", spot: { [CASH]: CAPITAL }, futuresWallet: "0" }),
  });
  if (!response.ok) throw new Error(`simulator account: ${response.status} ${await response.text()}`);
  return (await response.json()) as SimAccount;
}

/**
 * Holds each symbol's simulated Binance spot price where it is now (`hold`), or lets it move on from there again.
 * Held, a resting limit never fills: a portfolio below its floors then cancels and places orders in every review.
 */
export async function holdPrices(simUrl: string, symbols: string[], hold: boolean): Promise<void> {
  for (const symbol of symbols) {
    const instrument = { venue: "binance", market: "spot", symbol };
    const now = await fetch(`${simUrl}/control/prices?${new URLSearchParams(instrument)}`);
    if (!now.ok) throw new Error(`simulator price of ${symbol}: ${now.status} ${await now.text()}`);
    const { price } = (await now.json()) as { price: string };
    const set = await fetch(`${simUrl}/control/prices`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...instrument, price, hold }),
    });
    if (!set.ok) throw new Error(`simulator hold of ${symbol}: ${set.status} ${await set.text()}`);
  }
}

export async function addKeyThroughApi(
  worker: LocalWorker,
  user: BenchUser,
  simUrl: string,
  account: SimAccount,
  label: string,
): Promise<string> {
  const response = await worker.api("POST", "/api/keys/exchange", {
    cookie: user.cookie,
    body: { venue: "binance", environment: "custom", baseUrl: simUrl, label, ...account },
  });
  const body = (await response.json()) as { id?: string; status?: string };
  if (!response.ok || body.status !== "verified" || !body.id)
    throw new Error(`POST /api/keys/exchange answered ${response.status}: ${JSON.stringify(body)}`);
  return body.id;
}

type SealSecret = (
  keyring: Keyring,
  binding: { userId: string; kind: "exchange_key"; recordId: string },
  plaintext: string,
) => Promise<{ sealed: string; keyVersion: number }>;

/**
 * The worker's own sealSecret (worker/keys/sealed-secret.ts), so stored keys open exactly as the API's do. It is
 * typed for workerd's BufferSource, not Node's DOM one, so it is loaded by a path tsc does not follow.
 */
async function sealer(): Promise<SealSecret> {
  const modulePath = "../worker/keys/sealed-secret.ts";
  return ((await import(modulePath)) as { sealSecret: SealSecret }).sealSecret;
}

/** Keys stored the way addExchangeKey stores a verified one (same sealing, same permission columns). */
export async function insertSealedKeys(
  db: D1,
  options: { userId: string; simUrl: string; masterKey: string; accounts: SimAccount[]; labelPrefix: string },
): Promise<string[]> {
  const keyring = createKeyring(1, options.masterKey);
  const sealSecret = await sealer();
  const now = Date.now();
  const ids: string[] = [];
  const statements = [];
  for (const [i, account] of options.accounts.entries()) {
    const id = crypto.randomUUID();
    const plaintext = JSON.stringify({ apiKey: account.apiKey, apiSecret: account.apiSecret });
    const sealed = await sealSecret(keyring, { userId: options.userId, kind: "exchange_key", recordId: id }, plaintext);
    ids.push(id);
    statements.push(
      db
        .prepare(
          `INSERT INTO exchange_keys (id, user_id, venue, environment, spot_base_url, linear_base_url, label, sealed,
             key_version, api_key_last4, api_secret_last4, status, can_trade, can_withdraw, spot, futures, verified_at,
             created_at, updated_at)
           VALUES (?, ?, 'binance', 'custom', ?, ?, ?, ?, ?, ?, ?, 'verified', 1, 0, 1, 1, ?, ?, ?)`,
        )
        .bind(
          id,
          options.userId,
          options.simUrl,
          options.simUrl,
          `${options.labelPrefix} ${i + 1}`,
          sealed.sealed,
          sealed.keyVersion,
          account.apiKey.slice(-4),
          account.apiSecret.slice(-4),
          now,
          now,
          now,
        ),
    );
  }
  for (let i = 0; i < statements.length; i += ROWS_PER_BATCH) await db.batch(statements.slice(i, i + ROWS_PER_BATCH));
  return ids;
}

/**
 * Spot portfolios (BTC and ETH with 10 % floors, USDT cash, built-in strategy, automatic, 1h), one per entry of
 * `keyIds`. `started` rows are written as a start leaves them (active, ledger claimed at the capital, starting equity
 * and its equity point; active unless `status` says paused); the others are drafts for the object's own start. Ids get distinct 8-character prefixes,
 * as the API's ids do, since client order ids are made from them.
 */
export async function insertPortfolios(
  db: D1,
  options: {
    userId: string;
    keyIds: string[];
    paper: boolean;
    started: boolean;
    namePrefix: string;
    /** A started portfolio's status: active, or paused to keep it out of a tick until `setGroupStatus`. */
    status?: "active" | "paused";
  },
): Promise<string[]> {
  const now = Date.now();
  const prefixes = new Set<string>();
  const ids: string[] = [];
  while (ids.length < options.keyIds.length) {
    const id = crypto.randomUUID();
    if (prefixes.has(id.slice(0, 8))) continue;
    prefixes.add(id.slice(0, 8));
    ids.push(id);
  }
  const started = options.started;
  const statements = ids.flatMap((id, i) => [
    db
      .prepare(
        `INSERT INTO portfolios (id, user_id, exchange_key_id, venue, name, market, cash_token, tokens, review_interval,
           decision_provider, instructions, execution_mode, paper, status, starting_equity, started_at, paper_capital,
           ledger, equity, equity_at, peak_equity, failed_runs_in_a_row, created_at, updated_at)
         VALUES (?, ?, ?, 'binance', ?, 'spot', ?, ?, '1h', 'builtin', '', 'automatic', ?, ?, ?, ?, ?, ?, ?, ?, ?,
           0, ?, ?)`,
      )
      .bind(
        id,
        options.userId,
        options.keyIds[i],
        `${options.namePrefix} ${i + 1}`,
        CASH,
        TOKENS,
        options.paper ? 1 : 0,
        started ? (options.status ?? "active") : "draft",
        started ? CAPITAL : null,
        started ? now : null,
        options.paper ? CAPITAL : null,
        started ? LEDGER : null,
        started ? CAPITAL : null,
        started ? now : null,
        started ? CAPITAL : null,
        now,
        now,
      ),
    ...(started
      ? [
          db
            .prepare("INSERT INTO equity_snapshots (portfolio_id, at, equity, pnl, run_id) VALUES (?, ?, ?, '0', NULL)")
            .bind(id, now, CAPITAL),
        ]
      : []),
  ]);
  for (let i = 0; i < statements.length; i += ROWS_PER_BATCH) await db.batch(statements.slice(i, i + ROWS_PER_BATCH));
  return ids;
}

// ---- the portfolios' Durable Objects, called over RPC from Node ---------------------------------------------------

type EngineResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; status: number } };

/** The RPC methods of PortfolioOrchestrator the bench calls (worker/portfolios/portfolio-orchestrator.ts). */
export type PortfolioObject = {
  start(portfolioId: string, userId: string): Promise<EngineResult<unknown>>;
  requestRun(portfolioId: string, userId: string): Promise<EngineResult<{ runId: string }>>;
  reschedule(portfolioId: string): Promise<void>;
};

/**
 * The object's stub with its methods already looked up: on Miniflare's proxy the first read of a method is a
 * blocking round trip (see LocalWorker), so it happens here, while nothing runs; calling one later is async.
 */
export async function portfolioObject(worker: LocalWorker, portfolioId: string): Promise<PortfolioObject> {
  const stub = await worker.durableObject<PortfolioObject>("PORTFOLIO", portfolioId);
  const methods = { start: stub.start, requestRun: stub.requestRun, reschedule: stub.reschedule };
  // The stub itself must stay reachable: Miniflare frees the object behind a proxy once the proxy is collected.
  return Object.assign(methods, { stub });
}

/** Like the cron: at most this many objects called at once. */
const CONCURRENCY = 50;

export async function eachInBatches<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

/**
 * Starts draft portfolios the way POST /api/portfolios/{id}/start does (the route only adds sign-in and its own
 * rate limit, 30 writes a minute, before this call): validation, the paper account at its capital, the claimed
 * ledger and starting equity, and a review queued at once. Starts refused because the venue's weight budget is
 * spent (exchange_rate_limited) are tried again in the next minute. The answers are not read while the burst runs
 * (on Miniflare's proxy an answer is a remote object whose every read blocks this thread): D1 tells which
 * portfolios are still drafts, and one of their answers is read after the wait.
 */
export async function startPortfolios(
  worker: LocalWorker,
  drafts: (ids: string[]) => string[],
  userId: string,
  ids: string[],
  onRetry: (waiting: number) => void,
): Promise<{ retries: number }> {
  const objects = await portfolioObjectsOf(worker, ids);
  const answers = new Map<string, EngineResult<unknown>>();
  let pending = ids;
  let retries = 0;
  while (pending.length > 0) {
    await eachInBatches(pending, async (id) => {
      answers.set(id, await (objects.get(id) as PortfolioObject).start(id, userId));
    });
    const refused = drafts(pending);
    if (refused.length === 0) break;
    if (++retries > 30) throw new Error(`${refused.length} portfolios still could not start`);
    onRetry(refused.length);
    await untilNextMinute();
    const answer = answers.get(refused[0] as string);
    if (answer && !answer.ok && answer.error.code !== "exchange_rate_limited")
      throw new Error(`start: ${answer.error.code} ${answer.error.message}`);
    pending = refused;
  }
  return { retries };
}

/** Stubs made up front, while nothing runs (see LocalWorker: making one blocks this thread). */
async function portfolioObjectsOf(worker: LocalWorker, ids: string[]): Promise<Map<string, PortfolioObject>> {
  const objects = new Map<string, PortfolioObject>();
  for (const id of ids) objects.set(id, await portfolioObject(worker, id));
  return objects;
}

/**
 * The state the cron's wake exists for: running portfolios whose objects hold no schedule and no alarm (restored
 * data, a lost alarm). The object's own `reschedule` clears both for a portfolio that is not running, so each one is
 * marked paused for that call and running again after it, with everything else (paper account, ledger, runs) kept.
 */
export async function forgetSchedules(worker: LocalWorker, namePrefix: string, ids: string[]): Promise<void> {
  const objects = await portfolioObjectsOf(worker, ids);
  await setGroupStatus(worker, namePrefix, "paused");
  await eachInBatches(ids, (id) => (objects.get(id) as PortfolioObject).reschedule(id));
  await setGroupStatus(worker, namePrefix, "active");
}

/** The status of every portfolio named "<namePrefix> N" (a D1 write through Miniflare's proxy: a quiet moment). */
export async function setGroupStatus(worker: LocalWorker, namePrefix: string, status: "active" | "paused") {
  await worker.db.prepare("UPDATE portfolios SET status = ? WHERE name LIKE ?").bind(status, `${namePrefix} %`).run();
}

/**
 * Waits for a fresh minute of Binance weight (the budget is per calendar minute), then until the worker's own
 * pacing lets calls through: a Retry-After is counted from when a busy object got to read the answer, so a block can
 * outlast the minute by some seconds. The probe is a signed balance read through the API (GET
 * /api/keys/{id}/balances), which shares the isolate's pacing with the objects.
 */
export async function untilVenueReady(worker: LocalWorker, user: BenchUser, keyId: string): Promise<number> {
  await untilNextMinute();
  const started = Date.now();
  for (;;) {
    const response = await worker.api("GET", `/api/keys/${keyId}/balances`, { cookie: user.cookie });
    await response.arrayBuffer();
    if (response.ok) return Date.now() - started;
    if (response.status !== 429 || Date.now() - started > 120_000)
      throw new Error(`GET /api/keys/${keyId}/balances answered ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** Binance's weight budget is per calendar minute: waiting for the next one gives a run a fresh budget. */
export function untilNextMinute(extraMs = 1_000): Promise<void> {
  const wait = 60_000 - (Date.now() % 60_000) + extraMs;
  return new Promise((resolve) => setTimeout(resolve, wait));
}
