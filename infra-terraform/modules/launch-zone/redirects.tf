# Redirects keep the query string: a referral link (?ref=...) must survive every hop.
# First http -> https on the same host (browsers then learn HSTS for that host), then the other
# host -> the canonical one. Each rule only matches what is not already where it should be: no loops.
resource "cloudflare_ruleset" "redirects" {
  zone_id = var.zone_id
  name    = "Launchline ${var.environment}: https and the canonical host"
  kind    = "zone"
  phase   = "http_request_dynamic_redirect"
  rules = [
    {
      description = "http to https, same host"
      expression  = "(not ssl and http.host in {\"${var.domain}\" \"${local.www}\"})"
      action      = "redirect"
      action_parameters = {
        from_value = {
          status_code           = var.redirect_status
          preserve_query_string = true
          target_url = {
            expression = "concat(\"https://\", http.host, http.request.uri.path)"
          }
        }
      }
    },
    {
      description = "the other host to ${local.canonical}"
      expression  = "(ssl and http.host eq \"${local.other}\")"
      action      = "redirect"
      action_parameters = {
        from_value = {
          status_code           = var.redirect_status
          preserve_query_string = true
          target_url = {
            expression = "concat(\"https://${local.canonical}\", http.request.uri.path)"
          }
        }
      }
    },
  ]
}
