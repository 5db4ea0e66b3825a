import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { startEchoOrigin } from "./test/echo-origin.js";

// The Worker runs in workerd (the Workers runtime) as configured in wrangler.jsonc; its origin is
// a real HTTP server on loopback that echoes what it received.
const origin = await startEchoOrigin();

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: {
          ORIGIN_URL: origin.url,
          ORIGIN_LOCK_SECRET: "test-lock-Vq7Lm2Xr9Tz4Wp8Nb1Hc6Jd0",
          SITE_NAME: "Rocket <beta>",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.js"],
  },
});
