// The landing page: plain HTML whose form works without JavaScript (a normal post; the service
// answers 303 to its thank-you page). form.js, when it runs, adds the bot-defence token and
// honeypot and, when a sitekey is configured, the Turnstile widget. A ?ref= code is written into
// the form here, so referral links work without JavaScript too.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Referral codes are short and plain; anything else is dropped rather than echoed. */
export function referralCode(url) {
  const ref = url.searchParams.get("ref") ?? "";
  return /^[A-Za-z0-9_-]{1,64}$/.test(ref) ? ref : "";
}

export function landingPage({ siteName, waitlist, ref, turnstileSitekey }) {
  const name = escapeHtml(siteName);
  const action = `/api/v1/waitlists/${encodeURIComponent(waitlist)}/signups`;
  const turnstile = turnstileSitekey
    ? `<div class="cf-turnstile" data-sitekey="${escapeHtml(turnstileSitekey)}"></div>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}: join the waitlist</title>
<meta name="description" content="Join the ${name} waitlist and be first to know when we launch.">
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<link rel="stylesheet" href="/assets/site.css">
<script src="/assets/form.js" defer></script>
</head>
<body>
<main>
<h1>${name}</h1>
<p class="lead">Be the first to know when we launch. One email to confirm, no spam.</p>
<form id="signup" method="post" action="${action}">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
<label for="name">Name <span class="optional">(optional)</span></label>
<input id="name" name="name" type="text" autocomplete="name" maxlength="200">
<input type="hidden" name="ref" value="${escapeHtml(ref)}">
<label class="consent"><input name="consent" type="checkbox" value="true"> Email me about the launch</label>
${turnstile}
<button type="submit">Join the waitlist</button>
</form>
</main>
</body>
</html>
`;
}
