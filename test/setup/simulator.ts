// Vitest globalSetup (runs in Node, outside workerd): one exchange simulator for the whole run on a free loopback
// port, seed 42. Its URL reaches the workers as the SIM_URL binding (vitest.config.ts). A second one runs the demo
// scenario `npm start` runs (sim/engine/scenarios.ts), as DEMO_SIM_URL, so its scripted BTC and ETH never move the
// prices other tests read.
import type { TestProject } from "vitest/node";
import { startSimulator } from "../../sim/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    simUrl: string;
    demoSimUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Binance weight per API key: the test files share this one simulator (one IP) but each stands for its own user.
  const simulator = await startSimulator({ port: 0, seed: 42, weightPerApiKey: true });
  const demo = await startSimulator({ port: 0, seed: 42, scenario: "demo" });
  project.provide("simUrl", simulator.url);
  project.provide("demoSimUrl", demo.url);
  return async () => {
    await simulator.close();
    await demo.close();
  };
}
