import type { D1Migration } from "@cloudflare/vitest-pool-workers";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** Base URL of the exchange simulator (test/setup/simulator.ts). */
      SIM_URL: string;
      /** Base URL of the simulator running the demo price scenario (test/setup/simulator.ts). */
      DEMO_SIM_URL: string;
      /** The test VAPID public key (vitest.config.ts), which GET /api/notifications hands to browsers. */
      VAPID_PUBLIC_KEY: string;
    }
  }
}
