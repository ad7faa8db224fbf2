// Vitest globalSetup (runs in Node, outside workerd): one exchange simulator for the whole run on a free loopback
// port, seed 42. Its URL reaches the workers as the SIM_URL binding (vitest.config.ts).
import type { TestProject } from "vitest/node";
import { startSimulator } from "../../sim/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    simUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const simulator = await startSimulator({ port: 0, seed: 42 });
  project.provide("simUrl", simulator.url);
  return () => simulator.close();
}
