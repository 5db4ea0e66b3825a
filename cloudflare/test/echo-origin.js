// A stand-in origin for the Worker's unit tests: a real HTTP server on loopback that answers
// every request with what it received (method, path, query, headers, body) as JSON, or, for
// /redirect, a 303 as the service gives a form post. Runs in Node (vitest.config.js starts it).
import { createServer } from "node:http";

export function startEchoOrigin() {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url.startsWith("/redirect")) {
        response.writeHead(303, { Location: "/thanks" });
        response.end();
        return;
      }
      response.writeHead(200, { "Content-Type": "application/json", "X-From": "origin" });
      response.end(JSON.stringify({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
    });
  });
}
