import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const SECRET = "test-lock-Vq7Lm2Xr9Tz4Wp8Nb1Hc6Jd0";

describe("the landing page", () => {
  it("is a form that posts to the waitlist without JavaScript, with strict security headers", async () => {
    const response = await SELF.fetch("https://rocket.example/");
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(html).toContain('<form id="signup" method="post" action="/api/v1/waitlists/launch/signups">');
    expect(html).toContain('name="email" type="email"');
    expect(html).toContain("Rocket &lt;beta&gt;"); // the site name is escaped
    const csp = response.headers.get("Content-Security-Policy");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d{8}/);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Referrer-Policy")).toBeTruthy();
    expect(response.headers.get("Permissions-Policy")).toContain("camera=()");
    expect(response.headers.get("X-Robots-Tag")).toBeNull(); // NOINDEX is false here
  });

  it("has no inline script or style, so the CSP can forbid them", async () => {
    const html = await (await SELF.fetch("https://rocket.example/")).text();

    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    expect(html).not.toMatch(/\son[a-z]+=/); // no inline event handlers
  });

  it("carries a referral code into the form, and drops one that is not a plain code", async () => {
    const good = await (await SELF.fetch("https://rocket.example/?ref=k3m9p2x7qa")).text();
    const evil = await (await SELF.fetch('https://rocket.example/?ref="><script>alert(1)</script>')).text();

    expect(good).toContain('<input type="hidden" name="ref" value="k3m9p2x7qa">');
    expect(evil).toContain('<input type="hidden" name="ref" value="">');
    expect(evil).not.toContain("alert(1)");
  });

  it("serves its stylesheet and a script under 10 KB", async () => {
    const css = await SELF.fetch("https://rocket.example/assets/site.css");
    const js = await SELF.fetch("https://rocket.example/assets/form.js");

    expect(css.headers.get("Content-Type")).toContain("text/css");
    expect(js.headers.get("Content-Type")).toContain("javascript");
    expect((await js.text()).length).toBeLessThan(10 * 1024);
    const icon = await SELF.fetch("https://rocket.example/favicon.ico");
    expect(icon.status).toBe(200); // asked for by every page, the service's too: never a 404
    expect(icon.headers.get("Content-Type")).toBe("image/svg+xml");
  });
});

describe("when the origin cannot be reached", async () => {
  const worker = (await import("../src/worker.js")).default;
  const down = { ORIGIN_URL: "http://127.0.0.1:9", ORIGIN_LOCK_SECRET: SECRET }; // nothing listens on port 9

  it("an API client gets 502 in the service's error shape, and may retry", async () => {
    const response = await worker.fetch(new Request("https://rocket.example/api/v1/waitlists/launch/signups",
      { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }), down);
    expect(response.status).toBe(502);
    expect(response.headers.get("Retry-After")).toBe("5");
    expect((await response.json()).error.code).toBe("origin_unreachable");
  });

  it("a browser posting the form gets a page, not JSON", async () => {
    const response = await worker.fetch(new Request("https://rocket.example/api/v1/waitlists/launch/signups",
      { method: "POST", body: "email=a%40b.example", headers: { "Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded" } }), down);
    expect(response.status).toBe(502);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(await response.text()).toContain("Nothing was saved");
  });
});

describe("robots.txt", () => {
  it("lets search engines see the landing page, not the API or anyone's personal pages", async () => {
    const response = await SELF.fetch("https://rocket.example/robots.txt");
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(text).toContain("Disallow: /api/");
    expect(text).toContain("Disallow: /status");
    expect(text).not.toMatch(/^Disallow: \/$/m);
  });
});

describe("everything else goes to the origin", () => {
  it("with the origin-lock secret added, and a client's own lock header replaced", async () => {
    const response = await SELF.fetch("https://rocket.example/api/v1/status?token=abc", {
      headers: { "X-Origin-Lock": "guessed-by-a-client", "Accept": "application/json" },
    });
    const seen = await response.json();

    expect(response.status).toBe(200);
    expect(seen.url).toBe("/api/v1/status?token=abc");
    expect(seen.headers["x-origin-lock"]).toBe(SECRET);
    expect(seen.headers["x-forwarded-host"]).toBe("rocket.example");
    expect(JSON.stringify(seen.headers)).not.toContain("guessed-by-a-client");
  });

  it("passes a form post's body through and hands the origin's 303 to the browser as it is", async () => {
    const post = await SELF.fetch("https://rocket.example/api/v1/waitlists/launch/signups", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=ada%40example.com&ref=k3m9",
    });
    const seen = await post.json();
    expect(seen.method).toBe("POST");
    expect(seen.body).toBe("email=ada%40example.com&ref=k3m9");
    expect(seen.headers["content-type"]).toBe("application/x-www-form-urlencoded");

    const redirected = await SELF.fetch("https://rocket.example/redirect", { method: "POST", redirect: "manual" });
    expect(redirected.status).toBe(303);
    expect(redirected.headers.get("Location")).toBe("/thanks");
  });

  it("passes on the visitor's address as Cloudflare gave it, for the origin's per-client limits", async () => {
    const response = await SELF.fetch("https://rocket.example/api/v1/form-token", {
      headers: { "CF-Connecting-IP": "203.0.113.7", "X-Launchline-Client-IP": "198.51.100.1" },
    });
    expect((await response.json()).headers["x-launchline-client-ip"]).toBe("203.0.113.7");

    const unknown = await SELF.fetch("https://rocket.example/api/v1/form-token", {
      headers: { "X-Launchline-Client-IP": "198.51.100.1" }, // made up by a client
    });
    expect((await unknown.json()).headers["x-launchline-client-ip"]).toBeUndefined();
  });

  it("never shows the secret to the client", async () => {
    const response = await SELF.fetch("https://rocket.example/anything");
    const headers = JSON.stringify([...response.headers]);

    expect(headers).not.toContain(SECRET);
    expect(response.headers.get("Strict-Transport-Security")).toBeTruthy();
  });
});

describe("the page's parts, as staging and a Turnstile-protected site configure them", async () => {
  const { landingPage } = await import("../src/landing.js");
  const { contentSecurityPolicy, withSecurityHeaders } = await import("../src/security-headers.js");

  it("shows the Turnstile widget for a sitekey, and the CSP lets exactly Turnstile's script and frame in", () => {
    // Cloudflare's documented always-passes test sitekey
    const html = landingPage({ siteName: "Rocket", waitlist: "launch", ref: "", turnstileSitekey: "1x00000000000000000000AA" });
    expect(html).toContain('<div class="cf-turnstile" data-sitekey="1x00000000000000000000AA"></div>');
    const csp = contentSecurityPolicy(true);
    expect(csp).toContain("script-src 'self' https://challenges.cloudflare.com");
    expect(csp).toContain("frame-src https://challenges.cloudflare.com");
    expect(contentSecurityPolicy(false)).toContain("frame-src 'none'");
    expect(landingPage({ siteName: "Rocket", waitlist: "launch", ref: "" })).not.toContain("cf-turnstile");
  });

  it("asks search engines to stay away from staging", () => {
    expect(withSecurityHeaders(new Headers(), { noindex: true }).get("X-Robots-Tag")).toBe("noindex, nofollow");
    expect(withSecurityHeaders(new Headers(), { noindex: false }).get("X-Robots-Tag")).toBeNull();
  });
});
