import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { median } from "./engine-runs.ts";

// CPU of one Worker's V8 isolate, from a sampling profile taken over workerd's inspector (the protocol DevTools uses
// for `wrangler dev` profiles). Unlike the process's counters, it leaves out what workerd runs in other isolates —
// local D1 is a Worker of its own — and the runtime's threads: it is the Worker's JavaScript plus the native calls it
// makes (Durable Object storage, crypto, serialization), the part Cloudflare bills as CPU time.
//
// The V8 sampler only records while the isolate runs; a sample's time delta spans any gap before it. So a sample
// counts its delta up to `CAP_US` (a few sampling intervals), and a gap beyond that counts as not running. Against a
// Worker that only spins, this read within −8 % … +21 % of the process CPU of the same work without the profiler
// (two runs). `npm run bench:profile-check` shows how it counts work cut by waits, as a review's is.

/** What `Profiler.stop` answers (Chrome DevTools Protocol), the parts used here. */
type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type CpuProfile = {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
};

export type IsolateProfile = {
  /** Busy time of the isolate in ms (samples other than "(idle)", each counted up to the cap). */
  busyMs: number;
  /**
   * The same with each sample counted up to the sampler's actual period (`tickUs`), which would charge a wait nothing.
   * bench/profile-check.ts compares the two: this one loses samples after waits, so the figures use `busyMs`.
   */
  perTickMs: number;
  /** The sampler's actual period in µs, the median gap between samples not parted by a wait. */
  tickUs: number;
  /** Busy ms by where the code came from (see `codeAreas`), self time only. */
  byArea: Map<string, number>;
  /** Busy ms by function (name, original file and line), self time only. */
  byPlace: Map<string, number>;
  /**
   * Self time of packages and the runtime's modules (zod, big.js, D1's binding) by the nearest project function up
   * the stack that called them, as "area ← place": which of the project's calls they cost.
   */
  byCaller: Map<string, number>;
};

export type IsolateProfiler = {
  start(): Promise<void>;
  stop(): Promise<IsolateProfile>;
  close(): void;
};

const INTERVAL_US = 100;
const CAP_US = 4 * INTERVAL_US;

/** Names the code a frame ran: its area (a package, a project folder, or the runtime) and its function. */
export type Locate = (frame: CallFrame) => { area: string; place: string };

/**
 * Reads the bundle's source map: a frame of the bundle is named after its package (`zod`, `drizzle-orm`) or the
 * project folder it came from (`worker/portfolios/engine`); frames outside it are the runtime's.
 */
export function codeAreas(bundleFile: string): Locate {
  const map = new SourceMap(JSON.parse(readFileSync(`${bundleFile}.map`, "utf8")));
  const bundleName = path.basename(bundleFile);
  return (frame) => {
    const name = frame.functionName || "(anonymous)";
    if (!frame.url) return { area: name, place: name }; // (program), (garbage collector)
    if (!frame.url.endsWith(bundleName)) {
      const area = `runtime ${frame.url.replace(/^cloudflare-internal:/, "")}`;
      return { area, place: `${name} ${area}` };
    }
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
    const source = "originalSource" in entry ? entry.originalSource : "";
    const line = "originalLine" in entry ? entry.originalLine + 1 : 0;
    const place = `${("name" in entry && entry.name) || name} ${source.replace(/^.*?(node_modules|worker|shared)\//, "$1/")}:${line}`;
    // drizzle-orm's own maps point one folder too high (`node_modules/src/…`).
    if (/node_modules\/src\//.test(source)) return { area: "drizzle-orm", place };
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
    if (inPackage) return { area: inPackage[1] as string, place };
    const inProject = /(?:^|\/)((?:worker|shared)\/.*)\/[^/]+$/.exec(source);
    return { area: inProject ? (inProject[1] as string) : source || "bundle (unmapped)", place };
  };
}

/** Connects to the inspector target of the Worker whose id is `target` (Miniflare names its user Workers `core:user:<name>`). */
export async function openIsolateProfiler(
  inspectorPort: number,
  target: string,
  locate: Locate,
): Promise<IsolateProfiler> {
  const list = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    id: string;
    webSocketDebuggerUrl: string;
  }[];
  const found = list.find((entry) => entry.id === target);
  if (!found) throw new Error(`no inspector target ${target} (have ${list.map((entry) => entry.id).join(", ")})`);
  const socket = new WebSocket(found.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot open ${found.webSocketDebuggerUrl}`)), {
      once: true,
    });
  });
  let lastId = 0;
  const waiting = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return; // an event, not an answer
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const call = <T>(method: string, params: Record<string, unknown> = {}): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++lastId;
      waiting.set(id, (message) =>
        message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result as T),
      );
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: INTERVAL_US });
  return {
    start: () => call("Profiler.start"),
    stop: async () => summarize((await call<{ profile: CpuProfile }>("Profiler.stop")).profile, locate),
    close: () => socket.close(),
  };
}

const PROJECT = /^(worker|shared)\//;

function summarize(profile: CpuProfile, locate: Locate): IsolateProfile {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byArea = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const byCaller = new Map<string, number>();
  /** The first project frame at or above a node, as a place; null when the stack has none. */
  const callers = new Map<number, string | null>();
  const callerOf = (id: number): string | null => {
    const known = callers.get(id);
    if (known !== undefined) return known;
    const frame = nodes.get(id);
    const here = frame ? locate(frame) : null;
    const parent = parents.get(id);
    const found = here && PROJECT.test(here.area) ? here.place : parent === undefined ? null : callerOf(parent);
    callers.set(id, found);
    return found;
  };
  const busy = profile.samples.flatMap((nodeId, i) => {
    const frame = nodes.get(nodeId);
    return frame && frame.functionName !== "(idle)" ? [{ nodeId, frame, deltaUs: profile.timeDeltas[i] ?? 0 }] : [];
  });
  const tickUs = samplerTick(busy.map((sample) => sample.deltaUs));
  let busyUs = 0;
  let perTickUs = 0;
  for (const { nodeId, frame, deltaUs } of busy) {
    const us = Math.min(deltaUs, CAP_US);
    busyUs += us;
    perTickUs += Math.min(deltaUs, tickUs);
    const { area, place } = locate(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + us / 1000);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us / 1000);
    if (!PROJECT.test(area) && frame.url) {
      const caller = callerOf(nodeId) ?? "(no project frame)";
      const key = `${area} ← ${caller}`;
      byCaller.set(key, (byCaller.get(key) ?? 0) + us / 1000);
    }
  }
  return { busyMs: busyUs / 1000, perTickMs: perTickUs / 1000, tickUs, byArea, byPlace, byCaller };
}

/** The sampler's actual period: the median gap between samples that did not follow a wait (gaps up to `CAP_US`). */
function samplerTick(deltasUs: number[]): number {
  const close = deltasUs.filter((us) => us <= CAP_US);
  return close.length ? median(close) : INTERVAL_US;
}

/** Adds one profile's entries into a running total. */
export function addUp(total: Map<string, number>, part: Map<string, number>): void {
  for (const [key, ms] of part) total.set(key, (total.get(key) ?? 0) + ms);
}

/** The `count` largest entries, divided by `runs`. */
export function topPerRun(total: Map<string, number>, count: number, runs: number): [string, number][] {
  return [...total]
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([key, ms]): [string, number] => [key, ms / Math.max(1, runs)]);
}
