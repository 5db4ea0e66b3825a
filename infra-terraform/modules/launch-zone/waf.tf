# Abuse stopped at the edge before it reaches the origin's own limits.
resource "cloudflare_ruleset" "firewall" {
  zone_id = var.zone_id
  name    = "Launchline ${var.environment}: firewall"
  kind    = "zone"
  phase   = "http_request_firewall_custom"
  rules = [
    {
      description = "metrics and the dev inbox are never for the internet"
      expression  = "(starts_with(http.request.uri.path, \"/metrics\") or starts_with(http.request.uri.path, \"/_dev\"))"
      action      = "block"
    },
    {
      description = "the public routes take only the methods they accept"
      expression  = "(not http.request.method in {\"GET\" \"HEAD\" \"POST\" \"OPTIONS\" \"DELETE\"})"
      action      = "block"
    },
    {
      description = "signups, confirmations and forms are posts"
      expression  = "((starts_with(http.request.uri.path, \"/api/v1/waitlists/\") or starts_with(http.request.uri.path, \"/api/v1/forms/\") or http.request.uri.path eq \"/api/v1/confirmations\") and not http.request.method in {\"POST\" \"OPTIONS\"})"
      action      = "block"
    },
  ]
}

resource "cloudflare_ruleset" "rate_limit" {
  zone_id = var.zone_id
  name    = "Launchline ${var.environment}: rate limits"
  kind    = "zone"
  phase   = "http_ratelimit"
  rules = [
    {
      description = "signup and contact-form posts per IP"
      expression  = local.signup_posts
      action      = "block"
      ratelimit = {
        characteristics     = ["cf.colo.id", "ip.src"]
        period              = 60
        requests_per_period = var.signup_rate_limit
        mitigation_timeout  = 60
      }
    },
  ]
}

# Staging stays out of search engines (the Worker adds the same header to what it serves).
resource "cloudflare_ruleset" "noindex" {
  count   = var.environment == "staging" ? 1 : 0
  zone_id = var.zone_id
  name    = "Launchline staging: noindex"
  kind    = "zone"
  phase   = "http_response_headers_transform"
  rules = [
    {
      description = "keep staging out of search results"
      expression  = "true"
      action      = "rewrite"
      action_parameters = {
        headers = {
          "X-Robots-Tag" = {
            operation = "set"
            value     = "noindex, nofollow"
          }
        }
      }
    },
  ]
}
