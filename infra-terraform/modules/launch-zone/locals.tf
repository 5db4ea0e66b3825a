locals {
  www        = "www.${var.domain}"
  canonical  = var.canonical_host == "www" ? local.www : var.domain
  other      = var.canonical_host == "www" ? var.domain : local.www
  site_hosts = compact([var.domain, local.www, var.api_host == "" ? "" : "${var.api_host}.${var.domain}"])

  # The service's routes (docs/openapi.yaml). Everything the origin answers is dynamic: only the
  # Worker's own landing page and assets may be cached.
  dynamic_prefixes = ["/api/", "/confirm", "/status", "/unsubscribe", "/erase", "/thanks", "/admin", "/metrics",
  "/healthz", "/readyz", "/version", "/openapi.yaml", "/_dev"]
  cacheable_paths = ["/", "/assets/", "/favicon.ico", "/robots.txt"]
  # Posts that create leads: the per-IP rate limit in front of the origin's own
  signup_posts = "(http.request.method eq \"POST\" and (starts_with(http.request.uri.path, \"/api/v1/waitlists/\") or starts_with(http.request.uri.path, \"/api/v1/forms/\")))"
}
