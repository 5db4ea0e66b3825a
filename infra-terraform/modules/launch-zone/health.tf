# Cloudflare asks the origin's /readyz every minute from several regions, and emails when it fails:
# downtime is found before a customer reports it.
resource "cloudflare_healthcheck" "readyz" {
  zone_id = var.zone_id
  name    = "launchline-${var.environment}-readyz"
  address = local.canonical
  type    = "HTTPS"
  http_config = {
    method         = "GET"
    path           = "/readyz"
    expected_codes = ["200"]
    port           = 443
  }
  interval              = 60
  retries               = 2
  timeout               = 5
  consecutive_fails     = 2
  consecutive_successes = 2
}

resource "cloudflare_notification_policy" "readyz" {
  account_id  = var.account_id
  name        = "Launchline ${var.environment}: /readyz failing"
  alert_type  = "health_check_status_notification"
  enabled     = true
  description = "The launch backend is not ready: see runbooks/"
  mechanisms = {
    email = [{ id = var.alert_email }]
  }
  filters = {
    health_check_id = [cloudflare_healthcheck.readyz.id]
    status          = ["Unhealthy"]
  }
}
