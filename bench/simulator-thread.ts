// The exchange simulator on its own thread of this process. Miniflare's Node-side proxies (D1, Durable Object
// namespaces, the scheduled handler) answer some calls synchronously, blocking the main thread with Atomics.wait
// until workerd replies; a simulator on that thread could not answer the worker's exchange requests meanwhile, and
// a run waiting for one would never finish. On a worker thread it keeps serving whatever the main thread does.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { startSimulator } from "../sim/server.ts";

export type SimulatorThread = { url: string; port: number; close(): Promise<void> };

type Started = { url: string; port: number };

export function startSimulatorThread(options: { seed: number }): Promise<SimulatorThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: options });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", ({ url, port }: Started) =>
      resolve({
        url,
        port,
        close: async () => {
          worker.postMessage("close");
          await new Promise((done) => worker.once("exit", done));
        },
      }),
    );
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const simulator = await startSimulator({ port: 0, seed: (workerData as { seed: number }).seed });
  port.on("message", async (message) => {
    if (message !== "close") return;
    await simulator.close();
    port.close();
  });
  port.postMessage({ url: simulator.url, port: simulator.port } satisfies Started);
}
