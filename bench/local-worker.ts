// The worker as wrangler would deploy it, run by Miniflare directly (no `wrangler dev` in between): the bundle from
// `wrangler deploy --dry-run`, wrangler.toml's compatibility settings and bindings, a fresh D1 with every migration
// applied, and SQLite-backed Durable Objects. Used by benches that drive the engine at scale.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import { dryRun } from "./dry-run.ts";

// Miniflare's own binding types come from @cloudflare/workers-types, which this Node project does not load: the
// parts the benches use are spelled out here. Miniflare's Node-side proxies (`db`, `durableObject`) answer some calls
// synchronously, blocking this thread until workerd replies; workerd in turn blocks when its log pipe to this thread
// is full. So they are for quiet moments (setup, stubs made before a burst); during bursts only async calls
// (RPC on a stub whose answer is not read, dispatchFetch) and reads of the D1 file are used. An RPC answer that is an
// object stays remote: reading it is a blocking call too.

export type D1Statement = {
  bind(...values: unknown[]): D1Statement;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>;
  run(): Promise<unknown>;
};
export type D1 = { prepare(sql: string): D1Statement; batch(statements: D1Statement[]): Promise<unknown> };

type ObjectNamespace = { idFromName(name: string): unknown; get(id: unknown): unknown };

/** The parts of wrangler.toml the benches read. */
type WranglerConfig = {
  compatibility_date?: string;
  compatibility_flags: string[];
  migrations: { new_sqlite_classes?: string[] }[];
  durable_objects: { bindings: { name: string; class_name: string }[] };
  d1_databases: { binding: string; database_id?: string; migrations_dir?: string }[];
  vars: Record<string, unknown>;
};

export type LocalWorker = {
  /** D1 through Miniflare's proxy (its calls block this thread until workerd answers): setup writes. */
  db: D1;
  /** The local D1's SQLite file (WAL), for read-only queries from Node that cost workerd nothing. */
  d1File: string;
  /** The origin requests are dispatched to; unsafe API calls must carry it as their Origin. */
  origin: string;
  api(method: string, pathname: string, options?: { body?: unknown; cookie?: string }): Promise<Response>;
  /** The worker's scheduled handler, as a Cron Trigger calls it; resolves when it and its waitUntil work are done. */
  scheduled(scheduledTime: Date, cron: string): Promise<{ outcome: string }>;
  /** A stub of the named object of a Durable Object binding, for RPC calls from Node (made by blocking calls). */
  durableObject<T>(binding: string, name: string): Promise<T>;
  /** The bundle workerd runs (its source map beside it, `.map`). */
  bundleFile: string;
  /** workerd's inspector (DevTools protocol) port, and the target id of this Worker's isolate there. */
  inspector: { port: number; target: string };
  close(): Promise<void>;
};

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Bundles the worker into a temporary directory and starts it; `close()` stops workerd and removes every file.
 * workerd's output (the worker's JSON log lines, uncaught errors) goes to `onLogLine`.
 */
export async function startLocalWorker(
  vars: Record<string, string>,
  onLogLine: (line: string) => void = (line) => console.log(line),
): Promise<LocalWorker> {
  const scratch = mkdtempSync(path.join(tmpdir(), "ballast-bench-"));
  const outdir = path.join(scratch, "bundle");
  const config = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") }) as unknown as WranglerConfig;
  try {
    await dryRun(outdir);
    const sqliteClasses = new Set(config.migrations.flatMap((m) => m.new_sqlite_classes ?? []));
    const durableObjects = Object.fromEntries(
      config.durable_objects.bindings.map((b) => [
        b.name,
        { className: b.class_name, useSQLite: sqliteClasses.has(b.class_name) },
      ]),
    );
    const inspectorPort = await freePort();
    const mf = new Miniflare({
      modules: true,
      // For CPU profiles of the Worker's own isolate (bench/isolate-profile.ts); costs nothing until a client attaches.
      inspectorPort,
      scriptPath: path.join(outdir, "index.js"),
      modulesRoot: outdir,
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags,
      // GET /cdn-cgi/handler/scheduled calls the scheduled handler as a Cron Trigger would, over plain HTTP.
      unsafeTriggerHandlers: true,
      d1Databases: Object.fromEntries(config.d1_databases.map((d) => [d.binding, d.database_id ?? d.binding])),
      durableObjects,
      bindings: { ...(config.vars as Record<string, string>), ...vars },
      // On disk like `wrangler dev --persist-to`, in a directory removed afterwards.
      d1Persist: path.join(scratch, "d1"),
      durableObjectsPersist: path.join(scratch, "do"),
      handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
        for (const stream of [stdout, stderr]) createInterface({ input: stream }).on("line", onLogLine);
      },
    });
    const origin = (await mf.ready).origin;
    const db = (await mf.getD1Database("DB")) as unknown as D1;
    await applyMigrations(db, path.join(ROOT, config.d1_databases[0]?.migrations_dir ?? "migrations"));
    const namespaces = new Map<string, Promise<ObjectNamespace>>();
    return {
      db,
      d1File: d1DatabaseFile(path.join(scratch, "d1")),
      bundleFile: path.join(outdir, "index.js"),
      origin,
      // Miniflare names the isolate of an unnamed Worker "core:user:".
      inspector: { port: inspectorPort, target: "core:user:" },
      scheduled: async (scheduledTime, cron) => {
        const query = new URLSearchParams({ cron, time: String(scheduledTime.getTime()), format: "json" });
        const response = await mf.dispatchFetch(`${origin}/cdn-cgi/handler/scheduled?${query}`);
        return (await response.json()) as { outcome: string };
      },
      durableObject: async <T>(binding: string, name: string) => {
        let namespace = namespaces.get(binding);
        if (!namespace) {
          namespace = mf.getDurableObjectNamespace(binding) as unknown as Promise<ObjectNamespace>;
          namespaces.set(binding, namespace);
        }
        const resolved = await namespace;
        return resolved.get(resolved.idFromName(name)) as T;
      },
      api: (method, pathname, options = {}) =>
        mf.dispatchFetch(`${origin}${pathname}`, {
          method,
          headers: {
            origin,
            ...(options.body === undefined ? {} : { "content-type": "application/json" }),
            ...(options.cookie ? { cookie: options.cookie } : {}),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        }) as unknown as Promise<Response>,
      close: async () => {
        await mf.dispose();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** A TCP port nothing listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Miniflare keeps a D1 database as a Durable Object's SQLite file: `<persist>/miniflare-D1DatabaseObject/<id>.sqlite`. */
function d1DatabaseFile(persist: string): string {
  const dir = path.join(persist, "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one D1 database file in ${dir}, found ${files.length}`);
  return path.join(dir, files[0] as string);
}

/** drizzle-kit's files in order, statement by statement (`--> statement-breakpoint` separates them). */
export function migrationStatements(dir = path.join(ROOT, "migrations")): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .flatMap((file) =>
      readFileSync(path.join(dir, file), "utf8")
        .split("--> statement-breakpoint")
        .map((s) => s.trim())
        .filter(Boolean),
    );
}

async function applyMigrations(db: D1, dir: string): Promise<void> {
  for (const statement of migrationStatements(dir)) await db.prepare(statement).run();
}
