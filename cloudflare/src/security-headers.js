// Headers on everything the Worker serves itself (the landing page and its assets). The origin
// sets its own on what it answers; the Worker only adds HSTS there when it is missing.

/** The landing page's policy: its own stylesheet and script, Turnstile when it is on, nothing inline. */
export function contentSecurityPolicy(turnstile) {
  const challenges = turnstile ? " https://challenges.cloudflare.com" : "";
  return [
    "default-src 'none'",
    "style-src 'self'",
    `script-src 'self'${challenges}`,
    `frame-src${turnstile ? challenges : " 'none'"}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export const HSTS = "max-age=63072000";

export function withSecurityHeaders(headers, { csp, noindex }) {
  headers.set("Strict-Transport-Security", HSTS);
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (csp) {
    headers.set("Content-Security-Policy", csp);
  }
  if (noindex) {
    headers.set("X-Robots-Tag", "noindex, nofollow");
  }
  return headers;
}
