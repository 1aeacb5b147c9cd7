import { configDefaults, defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// In development, API calls go to the FastAPI server; in production FastAPI serves dist/ itself
// (same origin), so no proxy and no absolute URLs are involved.
const backend = process.env.ACCORD_BACKEND_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The page runs under `script-src 'self'`: no inline polyfill script in index.html.
    modulePreload: { polyfill: false },
    // Emit every asset as a file served from 'self' rather than inlining data: URIs.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": backend,
      "/healthz": backend,
      "/readyz": backend,
    },
  },
  test: {
    restoreMocks: true,
    unstubGlobals: true,
    // Generous, for the same reason as asyncUtilTimeout in src/test/setup.ts.
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "app",
          environment: "jsdom",
          setupFiles: ["./src/test/setup.ts"],
          include: ["src/**/*.test.{ts,tsx}"],
          exclude: [...configDefaults.exclude, "src/kit/**"],
        },
      },
      // The crypto kits need no DOM, and jsdom gets in their way: its typed arrays come from
      // another realm than the WebCrypto they are handed to, which refuses them. A browser has
      // one realm; Node without jsdom is the closer match.
      {
        extends: true,
        test: { name: "kit", environment: "node", include: ["src/kit/**/*.test.ts"] },
      },
    ],
  },
});
