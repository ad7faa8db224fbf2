// `npm run sim -- --port 8790 --seed 42 [--scenario demo]`: the exchange simulator as a standalone process.
import { parseArgs } from "node:util";
import { SCENARIO_NAMES, type ScenarioName } from "./engine/scenarios.ts";
import { startSimulator } from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8790" },
    seed: { type: "string", default: "42" },
    scenario: { type: "string" },
  },
});
const port = Number(values.port);
const seed = Number(values.seed);
const scenario: ScenarioName | null | undefined =
  values.scenario === undefined ? null : SCENARIO_NAMES.find((name) => name === values.scenario);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(seed) || scenario === undefined) {
  console.error(`usage: node sim/main.ts [--port 8790] [--seed 42] [--scenario ${SCENARIO_NAMES.join("|")}]`);
  process.exit(2);
}

const simulator = await startSimulator({ port, seed, scenario });
console.log(`simulator listening on ${simulator.url}`);

const stop = async () => {
  await simulator.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
