// What `npm start` passes on from `wrangler dev`: everything but its own line per request (the Worker logs each
// request once itself, as JSON with its request id) and its warning that scheduled Workers are not triggered locally
// (`npm start` triggers them every minute).
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { stripVTControlCharacters } from "node:util";

const DROPPED = [
  /^\[wrangler:info\] (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ \d{3} /,
  // The warning and its three lines (wrangler may write them to different streams).
  /Scheduled Workers are not automatically triggered during local development/,
  /^\s+To manually trigger a scheduled event, run:$/,
  /^\s+curl "\S+\/cdn-cgi\/handler\/scheduled"$/,
  /^\s+For more details, see \S+#test-cron-triggers-locally$/,
];

export function passWranglerOutput(from: Readable, to: Writable): void {
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    const plain = stripVTControlCharacters(line);
    if (!DROPPED.some((pattern) => pattern.test(plain))) to.write(`${line}\n`);
  });
}
