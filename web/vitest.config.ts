import { defineConfig } from "vitest/config";

// Web unit tests run in Node: pure logic (i18n, formatting) and the generated-client freshness check.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
  },
});
