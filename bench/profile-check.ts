// How far to trust the Worker CPU that bench/isolate-profile.ts reads from V8's sampling profiler when the work is cut
// by waits, as a review's is (D1 round trips, venue requests). The same spin runs in one stretch and split by waits,
// and each case is read three ways: the workerd process's CPU with the profiler stopped (it also runs local D1 and the
// runtime), the profile as the engine bench counts it (each sample up to 400 µs), and the profile with each sample
// counted up to the sampler's actual tick (which would charge a wait nothing). Prints numbers; asserts nothing.
//
//   npm run bench:profile-check -- --reps 15 --work-ms 40
//
// How to read it: a count that is right adds, for work split by N D1 round trips, what N round trips alone cost
// ("waits alone"); work split by timers (the machine idle meanwhile) should read as the one stretch does, and the
// process's CPU says what the split work really cost. The cases take turns, so a slower minute weighs on all alike,
// and each is read by the process and by the profile back to back.
import path from "node:path";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import { median } from "./engine-runs.ts";
import { openIsolateProfiler } from "./isolate-profile.ts";
import { freePort } from "./local-worker.ts";
import { threadsCpuMs, workerdChildren } from "./workerd-cpu.ts";

const { values } = parseArgs({
  options: { reps: { type: "string", default: "15" }, "work-ms": { type: "string", default: "40" } },
});
const reps = Number(values.reps);
const workMs = Number(values["work-ms"]);
if (!Number.isInteger(reps) || reps < 1 || !(workMs > 0)) {
  console.error("--reps takes an integer ≥ 1, --work-ms a number > 0");
  process.exit(2);
}

// `stretches` spins of `n` steps each, each followed by the wait named: a D1 round trip, a 1 ms timer, or none.
const SCRIPT = `
function spin(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 1103515245 + 12345 + i) % 2147483647;
  return x;
}
export default {
  async fetch(request, env) {
    const query = new URL(request.url).searchParams;
    const stretches = Number(query.get("stretches"));
    const n = Number(query.get("n"));
    const wait = query.get("wait");
    let sum = 0;
    for (let i = 0; i < stretches; i++) {
      sum += spin(n);
      if (wait === "d1") await env.DB.prepare("SELECT 1 AS one").first();
      else if (wait === "timer") await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return new Response(String(sum));
  },
};`;

type Case = { label: string; stretches: number; spins: boolean; wait: "none" | "d1" | "timer" };

const CASES: Case[] = [
  { label: "one stretch", stretches: 1, spins: true, wait: "none" },
  { label: "40 stretches, a D1 round trip after each", stretches: 40, spins: true, wait: "d1" },
  { label: "200 stretches, a D1 round trip after each", stretches: 200, spins: true, wait: "d1" },
  { label: "200 D1 round trips alone", stretches: 200, spins: false, wait: "d1" },
  { label: "40 stretches, a 1 ms timer after each", stretches: 40, spins: true, wait: "timer" },
  { label: "200 stretches, a 1 ms timer after each", stretches: 200, spins: true, wait: "timer" },
  { label: "1000 stretches, a D1 round trip after each", stretches: 1000, spins: true, wait: "d1" },
  { label: "1000 stretches, a 1 ms timer after each", stretches: 1000, spins: true, wait: "timer" },
];

// The app's compatibility date, so the check runs on the runtime behaviour the app gets.
const APP = unstable_readConfig({ config: path.join(import.meta.dirname, "..", "wrangler.toml") }) as unknown as {
  compatibility_date?: string;
};
const inspectorPort = await freePort();
const mf = new Miniflare({
  modules: true,
  script: SCRIPT,
  inspectorPort,
  d1Databases: { DB: "profile-check" },
  compatibilityDate: APP.compatibility_date,
});
try {
  const origin = (await mf.ready).origin;
  const [pid] = workerdChildren();
  if (pid === undefined) throw new Error("no workerd process");
  const cpu = () => threadsCpuMs(pid) ?? Number.NaN;
  const call = async (stretches: number, n: number, wait: string) => {
    const response = await mf.dispatchFetch(`${origin}/?stretches=${stretches}&n=${n}&wait=${wait}`);
    const body = await response.text();
    // A failed case would be timed as if it had done its work.
    if (!response.ok) throw new Error(`check worker: ${response.status} ${body}`);
  };
  // Spin steps per ms of the process's CPU, from a few long spins once the isolate is warm.
  for (let i = 0; i < 3; i++) await call(1, 1_000_000, "none");
  const probeSteps = 4_000_000;
  const probeMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = cpu();
    await call(1, probeSteps, "none");
    probeMs.push(cpu() - before);
  }
  const totalSteps = Math.round((probeSteps / median(probeMs)) * workMs);
  const stepsOf = (c: Case) => (c.spins ? Math.round(totalSteps / c.stretches) : 0);
  const idleFrom = performance.now();
  const idleBefore = cpu();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idlePerMs = (cpu() - idleBefore) / (performance.now() - idleFrom);

  // Each case runs once with the profiler stopped (read by the process's counters; the profiler slows the isolate)
  // and once under it, back to back, so both see the isolate's code in the same state.
  const processMs = CASES.map((): number[] => []);
  const profiled = CASES.map(() => ({ capped: [] as number[], perTick: [] as number[], tickUs: [] as number[] }));
  const profiler = await openIsolateProfiler(inspectorPort, "core:user:", (frame) => ({
    area: frame.functionName || "(anonymous)",
    place: frame.functionName || "(anonymous)",
  }));
  try {
    for (let i = 0; i < reps; i++)
      for (const [k, c] of CASES.entries()) {
        const before = cpu();
        const from = performance.now();
        await call(c.stretches, stepsOf(c), c.wait);
        processMs[k]?.push(cpu() - before - idlePerMs * (performance.now() - from));
        await profiler.start();
        await call(c.stretches, stepsOf(c), c.wait);
        const profile = await profiler.stop();
        profiled[k]?.capped.push(profile.busyMs);
        profiled[k]?.perTick.push(profile.perTickMs);
        profiled[k]?.tickUs.push(profile.tickUs);
      }
  } finally {
    profiler.close();
  }

  const rows = CASES.map((c, k) => ({
    c,
    process: median(processMs[k] ?? []),
    capped: median(profiled[k]?.capped ?? []),
    perTick: median(profiled[k]?.perTick ?? []),
    tickUs: median(profiled[k]?.tickUs ?? []),
  }));
  const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(9);
  console.log(
    `# about ${workMs} ms of spin (${totalSteps} steps) in each case but the waits alone; medians of ${reps} runs; ` +
      `process idle ${idlePerMs.toFixed(3)} ms per ms subtracted`,
  );
  console.log(
    `  ${"case".padEnd(42)} ${"process".padStart(9)} ${"profile".padStart(9)} ${"per tick".padStart(9)}  sampler tick`,
  );
  for (const row of rows)
    console.log(
      `  ${row.c.label.padEnd(42)} ${ms(row.process)} ${ms(row.capped)} ${ms(row.perTick)}  ${row.tickUs.toFixed(0)} µs`,
    );
  const [one] = rows;
  const alone = rows.find((row) => !row.c.spins);
  if (one && alone) {
    const perWait = (value: number, base: number, waits: number) =>
      `${(((value - base) / waits) * 1000).toFixed(0)} µs`;
    console.log(
      `  a D1 round trip alone: ${perWait(alone.capped, 0, alone.c.stretches)} as the profile counts it, ` +
        `${perWait(alone.perTick, 0, alone.c.stretches)} per tick`,
    );
    for (const row of rows.filter((r) => r.c.spins && r.c.wait !== "none"))
      console.log(
        `  ${row.c.label}: beyond one stretch, ${perWait(row.capped, one.capped, row.c.stretches)} a wait as the profile ` +
          `counts it, ${perWait(row.perTick, one.perTick, row.c.stretches)} per tick; the process ` +
          `${perWait(row.process, one.process, row.c.stretches)} (D1's side and the runtime's included)`,
      );
  }
} finally {
  await mf.dispose();
}
