# Apex and www, proxied: visitors only ever see Cloudflare's addresses, never the origin's.
resource "cloudflare_dns_record" "apex" {
  zone_id = var.zone_id
  name    = var.domain
  type    = "A"
  content = var.origin_address
  proxied = true
  ttl     = 1 # automatic, as for every proxied record
  comment = "Launchline ${var.environment}: the site"
}

resource "cloudflare_dns_record" "www" {
  zone_id = var.zone_id
  name    = local.www
  type    = "A"
  content = var.origin_address
  proxied = true
  ttl     = 1
  comment = "Launchline ${var.environment}: redirects to the canonical host"
}

resource "cloudflare_dns_record" "api" {
  count   = var.api_host == "" ? 0 : 1
  zone_id = var.zone_id
  name    = "${var.api_host}.${var.domain}"
  type    = "A"
  content = var.origin_address
  proxied = true
  ttl     = 1
  comment = "Launchline ${var.environment}: the API"
}

# Only these CAs may issue certificates for the domain.
resource "cloudflare_dns_record" "caa" {
  for_each = toset(var.caa_issuers)
  zone_id  = var.zone_id
  name     = var.domain
  type     = "CAA"
  ttl      = 3600
  data = {
    flags = 0
    tag   = "issue"
    value = each.value
  }
}
