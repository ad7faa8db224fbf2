// A pure client-side SPA served as static assets by the worker.
export const ssr = false;
export const prerender = false;
