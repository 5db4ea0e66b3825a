// The landing page's stylesheet and script, served by the Worker from its own bundle.

export const SITE_CSS = `:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}
body{margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;background:Canvas;color:CanvasText}
main{max-width:28rem;padding:2rem 1.25rem}
h1{font-size:2rem;margin:0 0 .5rem}
.lead{margin:0 0 1.5rem}
form{display:flex;flex-direction:column;gap:.5rem}
label{font-weight:600}
.optional{font-weight:400}
input[type=email],input[type=text]{font:inherit;padding:.65rem .75rem;border:1px solid #767676;border-radius:.4rem}
.consent{font-weight:400;display:flex;gap:.5rem;align-items:center;margin:.5rem 0}
button{font:inherit;font-weight:600;padding:.75rem 1rem;border:0;border-radius:.4rem;background:#1a56db;color:#fff;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
.honeypot{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
`;

// Progressive enhancement only: without it the form still posts. It asks the service for a
// bot-defence token and adds it with the (hidden, always empty) honeypot field, and loads
// Turnstile's script when the page has a widget.
export const FORM_JS = `(function () {
  "use strict";
  var form = document.getElementById("signup");
  if (!form || !window.fetch) return;
  fetch("/api/v1/form-token", { headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (t) {
      if (!t) return;
      var token = document.createElement("input");
      token.type = "hidden"; token.name = t.form_token_field; token.value = t.form_token;
      form.appendChild(token);
      var wrap = document.createElement("div");
      wrap.className = "honeypot"; wrap.setAttribute("aria-hidden", "true");
      var trap = document.createElement("input");
      trap.type = "text"; trap.name = t.honeypot_field; trap.tabIndex = -1; trap.autocomplete = "off";
      wrap.appendChild(trap);
      form.appendChild(wrap);
    })
    .catch(function () { /* the form works without it */ });
  if (form.querySelector(".cf-turnstile")) {
    var s = document.createElement("script");
    s.src = "https://challenges.cloudflare.com/turnstile/v0/api.js"; s.async = true;
    document.head.appendChild(s);
  }
})();
`;

// Browsers ask every site for /favicon.ico, the service's own pages too: a small icon, not a 404.
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="#1a56db"/><path d="M16 6l5 12h-10z" fill="#fff"/><rect x="13" y="19" width="6" height="6" rx="1" fill="#fff"/></svg>
`;
