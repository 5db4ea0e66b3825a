# A Turnstile widget for the site's hosts: the Worker shows it (TURNSTILE_SITEKEY), the service
# checks its answers (TURNSTILE_SECRET_KEY, from the sensitive output turnstile_secret).
resource "cloudflare_turnstile_widget" "signup" {
  account_id = var.account_id
  name       = "Launchline ${var.environment} signup"
  domains    = local.site_hosts
  mode       = "managed"
}
