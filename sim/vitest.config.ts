import path from "node:path";
import { defineConfig } from "vitest/config";

// Simulator tests run in Node: the engine (prices, matching, positions, conditionals) and the server over HTTP.
export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, ".."),
    include: ["test/sim/**/*.test.ts"],
    environment: "node",
  },
});
