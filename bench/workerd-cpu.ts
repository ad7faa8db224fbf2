// CPU time of the workerd process Miniflare started, read from /proc (Linux). Inside workerd timers only advance on
// I/O, so a Worker cannot time its own CPU; from outside, the process's counters are exact. Two sources:
// /proc/<pid>/stat (utime + stime, every thread that ever ran, in clock ticks of 10 ms) for long spans, and the sum of
// /proc/<pid>/task/*/schedstat (nanoseconds, live threads only) for single runs where ticks are too coarse.
import { readdirSync, readFileSync } from "node:fs";

/** `getconf CLK_TCK` on Linux; the kernel ABI has kept USER_HZ at 100. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The workerd processes whose parent is this Node process (Miniflare spawns the binary directly). */
export function workerdChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && fields.comm === "workerd" && fields.ppid === process.pid) pids.push(Number(entry));
  }
  return pids;
}

/** utime + stime in milliseconds (10 ms resolution). */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  if (!fields) throw new Error(`process ${pid} is gone`);
  return ((fields.utime + fields.stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Time on CPU of the process's live threads in milliseconds (nanosecond resolution), or null without schedstat. */
export function threadsCpuMs(pid: number): number | null {
  let total = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    return null;
  }
  return total / 1e6;
}

function statFields(pid: number): { comm: string; ppid: number; utime: number; stime: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // comm is in parentheses and may contain spaces: the fixed fields follow the last ")".
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(" ");
  // After comm: state(3) ppid(4) … utime(14) stime(15), so index = field number − 3.
  return { comm, ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
}
