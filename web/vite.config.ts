import adapter from "@sveltejs/adapter-static";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// The SPA is built to web/build and served by the Worker as static assets; in `vite dev` /api goes to wrangler.
export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ fallback: "index.html" }),
    }),
  ],
  server: {
    proxy: { "/api": "http://127.0.0.1:8787" },
  },
});
