# The Worker of cloudflare/ in front of the origin: it serves the landing page and adds the
# origin-lock secret to every request it passes on. Build it first: `npm run build` in cloudflare/.
resource "cloudflare_workers_script" "edge" {
  account_id         = var.account_id
  script_name        = "launchline-edge-${var.environment}"
  content            = file("${path.root}/${var.worker_script_path}")
  main_module        = "worker.js"
  compatibility_date = "2026-04-01"
  bindings = [
    { name = "ORIGIN_URL", type = "plain_text", text = var.origin_url },
    { name = "ORIGIN_LOCK_HEADER", type = "plain_text", text = "X-Origin-Lock" },
    { name = "ORIGIN_LOCK_SECRET", type = "secret_text", text = var.origin_lock_secret },
    { name = "WAITLIST", type = "plain_text", text = var.waitlist },
    { name = "SITE_NAME", type = "plain_text", text = var.site_name },
    { name = "TURNSTILE_SITEKEY", type = "plain_text", text = cloudflare_turnstile_widget.signup.sitekey },
    { name = "NOINDEX", type = "plain_text", text = var.environment == "staging" ? "true" : "false" },
  ]
}

resource "cloudflare_workers_route" "edge" {
  for_each = toset(local.site_hosts)
  zone_id  = var.zone_id
  pattern  = "${each.value}/*"
  script   = cloudflare_workers_script.edge.script_name
}
