# The landing page and its assets are cached at the edge; nothing the origin answers ever is
# (signups, confirmations, status pages, admin, metrics: personal or live).
resource "cloudflare_ruleset" "cache" {
  zone_id = var.zone_id
  name    = "Launchline ${var.environment}: cache"
  kind    = "zone"
  phase   = "http_request_cache_settings"
  rules = [
    {
      description = "the service's routes: never cached"
      expression  = "(${join(" or ", [for p in local.dynamic_prefixes : "starts_with(http.request.uri.path, \"${p}\")"])})"
      action      = "set_cache_settings"
      action_parameters = {
        cache = false
      }
    },
    {
      description = "the landing page and its assets: cached for 5 minutes"
      expression  = "(http.request.uri.path in {\"/\" \"/favicon.ico\" \"/robots.txt\"} or starts_with(http.request.uri.path, \"/assets/\"))"
      action      = "set_cache_settings"
      action_parameters = {
        cache = true
        edge_ttl = {
          mode    = "override_origin"
          default = 300
        }
      }
    },
  ]
}
