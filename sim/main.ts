// `npm run sim -- --port 8790 --seed 42`: the exchange simulator as a standalone process.
import { parseArgs } from "node:util";
import { startSimulator } from "./server.ts";

const { values } = parseArgs({
  options: { port: { type: "string", default: "8790" }, seed: { type: "string", default: "42" } },
});
const port = Number(values.port);
const seed = Number(values.seed);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(seed)) {
  console.error("usage: node sim/main.ts [--port 8790] [--seed 42]");
  process.exit(2);
}

const simulator = await startSimulator({ port, seed });
console.log(`simulator listening on ${simulator.url}`);

const stop = async () => {
  await simulator.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
