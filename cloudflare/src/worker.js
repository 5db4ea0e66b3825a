// The Worker in front of the Launchline service: it serves the landing page itself and passes
// everything else to the origin, adding the origin-lock secret the origin demands
// (ORIGIN_LOCK_SECRET there) and dropping any such header a client sent.
//
// Bindings (wrangler.jsonc; infra-terraform/ sets them in production):
//   ORIGIN_URL          where the service listens, e.g. https://origin.rocket.example
//   ORIGIN_LOCK_SECRET  secret: the value the origin expects
//   ORIGIN_LOCK_HEADER  the header carrying it (the service's ORIGIN_LOCK_HEADER; X-Origin-Lock)
//   WAITLIST            the waitlist the landing page signs people up to
//   SITE_NAME           shown on the landing page
//   TURNSTILE_SITEKEY   optional: the Turnstile widget's sitekey
//   NOINDEX             "true" on staging: search engines are asked to stay away

import { FAVICON_SVG, FORM_JS, SITE_CSS } from "./assets.js";
import { landingPage, referralCode } from "./landing.js";
import { HSTS, contentSecurityPolicy, withSecurityHeaders } from "./security-headers.js";

const DEFAULT_LOCK_HEADER = "X-Origin-Lock";
// The visitor's address for the origin (the service's ClientAddresses.EDGE_CLIENT_HEADER): on a
// Worker's request to the origin, Cloudflare's CF-Connecting-IP is no longer the visitor's, and
// the service's per-client rate limits would lump every visitor together. The service believes
// it only beside a valid origin-lock secret.
const CLIENT_IP_HEADER = "X-Launchline-Client-IP";
const ASSETS = {
  "/assets/site.css": { body: SITE_CSS, type: "text/css; charset=utf-8" },
  "/assets/form.js": { body: FORM_JS, type: "text/javascript; charset=utf-8" },
  "/favicon.ico": { body: FAVICON_SVG, type: "image/svg+xml" },
};

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/" && (request.method === "GET" || request.method === "HEAD")) {
      return serveLanding(request, env, url);
    }
    if (url.pathname === "/robots.txt") {
      return serveAsset(request, env, { body: robots(env), type: "text/plain; charset=utf-8" });
    }
    const asset = ASSETS[url.pathname];
    if (asset && (request.method === "GET" || request.method === "HEAD")) {
      return serveAsset(request, env, asset);
    }
    return proxyToOrigin(request, env, url);
  },
};

function serveLanding(request, env, url) {
  const html = landingPage({
    siteName: env.SITE_NAME || "Launchline",
    waitlist: env.WAITLIST || "launch",
    ref: referralCode(url),
    turnstileSitekey: env.TURNSTILE_SITEKEY || "",
  });
  const headers = withSecurityHeaders(new Headers({
    "Content-Type": "text/html; charset=utf-8",
    // the page is the same for everyone but for ?ref=, which is part of the cache key
    "Cache-Control": "public, max-age=300",
  }), { csp: contentSecurityPolicy(Boolean(env.TURNSTILE_SITEKEY)), noindex: env.NOINDEX === "true" });
  return new Response(request.method === "HEAD" ? null : html, { headers });
}

/** Search engines: the landing page yes, the API and the service's personal pages no; staging nothing. */
function robots(env) {
  if (env.NOINDEX === "true") {
    return "User-agent: *\nDisallow: /\n";
  }
  return ["User-agent: *", "Allow: /$", "Disallow: /api/", "Disallow: /confirm", "Disallow: /status",
    "Disallow: /unsubscribe", "Disallow: /erase", "Disallow: /admin", ""].join("\n");
}

function serveAsset(request, env, asset) {
  const headers = withSecurityHeaders(new Headers({
    "Content-Type": asset.type,
    "Cache-Control": "public, max-age=3600",
  }), { csp: "default-src 'none'", noindex: env.NOINDEX === "true" });
  return new Response(request.method === "HEAD" ? null : asset.body, { headers });
}

async function proxyToOrigin(request, env, url) {
  if (!env.ORIGIN_URL || !env.ORIGIN_LOCK_SECRET) {
    return errorResponse(request, 503, "edge_misconfigured", "The site is not set up yet. Please try again later.");
  }
  const origin = new URL(env.ORIGIN_URL);
  const target = new URL(url.pathname + url.search, origin);
  const lockHeader = env.ORIGIN_LOCK_HEADER || DEFAULT_LOCK_HEADER;

  const headers = new Headers(request.headers);
  headers.delete(lockHeader); // whatever a client sent: only ours reaches the origin
  headers.set(lockHeader, env.ORIGIN_LOCK_SECRET);
  headers.delete(CLIENT_IP_HEADER);
  const visitor = request.headers.get("CF-Connecting-IP"); // set by Cloudflare on the way in
  if (visitor) {
    headers.set(CLIENT_IP_HEADER, visitor);
  }
  headers.set("X-Forwarded-Host", url.host);
  headers.set("X-Forwarded-Proto", url.protocol.replace(":", ""));

  const body = request.method === "GET" || request.method === "HEAD" ? undefined : request.body;
  let answer;
  try {
    answer = await fetch(target, {
      method: request.method,
      headers,
      body,
      redirect: "manual", // the service's 303s go to the browser as they are
    });
  } catch {
    return errorResponse(request, 502, "origin_unreachable", "We cannot reach our server right now. Nothing was saved; please try again in a moment.");
  }
  const response = new Response(answer.body, answer);
  if (!response.headers.has("Strict-Transport-Security")) {
    response.headers.set("Strict-Transport-Security", HSTS);
  }
  if (env.NOINDEX === "true") {
    response.headers.set("X-Robots-Tag", "noindex, nofollow");
  }
  return response;
}

/**
 * The service's own error shape, so a client handles the edge's errors like the origin's; a
 * browser that navigated here (a form post) gets a page saying the same, not JSON.
 */
function errorResponse(request, status, code, message) {
  const html = (request.headers.get("Accept") ?? "").includes("text/html");
  const body = html
    ? `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Just a moment</title></head><body><main><h1>Just a moment</h1><p>${message} Please go back and send the form again.</p></main></body></html>`
    : JSON.stringify({ error: { code, message, fields: {} } });
  return new Response(body, {
    status,
    headers: withSecurityHeaders(new Headers({
      "Content-Type": html ? "text/html; charset=utf-8" : "application/json",
      "Cache-Control": "no-store",
      "Retry-After": "5",
    }), { csp: "default-src 'none'" }),
  });
}
