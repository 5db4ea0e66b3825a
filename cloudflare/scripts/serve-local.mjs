// Runs the Worker locally in workerd (Miniflare) in front of an origin, for the end-to-end test
// (app: dev.launchline.edge.WorkerEndToEndTest) and for trying the edge by hand:
//
//   ORIGIN_URL=http://127.0.0.1:8080 ORIGIN_LOCK_SECRET=... node scripts/serve-local.mjs [port]
//
// Prints "ready <url>" once it listens; stops on SIGTERM, Ctrl+C, or when the pipe on its stdin
// closes (a test that started it died).
import { Miniflare } from "miniflare";
import { fstatSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.argv[2] ?? 0);
const mf = new Miniflare({
  rootPath: here,
  scriptPath: "src/worker.js",
  modules: true,
  modulesRules: [{ type: "ESModule", include: ["**/*.js"] }],
  compatibilityDate: "2026-04-01",
  host: "127.0.0.1",
  port,
  bindings: {
    ORIGIN_URL: process.env.ORIGIN_URL ?? "http://127.0.0.1:8080",
    ORIGIN_LOCK_SECRET: process.env.ORIGIN_LOCK_SECRET ?? "",
    ORIGIN_LOCK_HEADER: process.env.ORIGIN_LOCK_HEADER ?? "X-Origin-Lock",
    WAITLIST: process.env.WAITLIST ?? "launch",
    SITE_NAME: process.env.SITE_NAME ?? "Launchline demo",
    TURNSTILE_SITEKEY: process.env.TURNSTILE_SITEKEY ?? "",
    NOINDEX: process.env.NOINDEX ?? "false",
  },
});
const url = await mf.ready;
console.log(`ready ${url}`);

async function stop() {
  await mf.dispose();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (fstatSync(0).isFIFO()) {
  process.stdin.on("end", stop);
  process.stdin.resume();
}
