# Email authentication for the domain the confirmation mail is sent from: without SPF, DKIM and
# DMARC, confirmation emails land in spam and leads never confirm.
locals {
  # What each provider documents for sending from your own domain. The DKIM records themselves
  # are per account: copy them from the provider's dashboard into var.dkim_records.
  mail_presets = {
    postmark = { spf_include = "spf.mtasv.net", dkim_hint = "TXT at <date>pm._domainkey" }
    ses      = { spf_include = "amazonses.com", dkim_hint = "three CNAMEs <token>._domainkey -> <token>.dkim.amazonses.com" }
    resend   = { spf_include = "amazonses.com", dkim_hint = "TXT at resend._domainkey" }
  }
  spf_includes = distinct(concat([local.mail_presets[var.mail_provider].spf_include], var.spf_extra_includes))
  # Exactly one SPF record, soft-failing everything else (~all): a second SPF record, or +all, breaks SPF.
  spf = join(" ", concat(["v=spf1"], [for i in local.spf_includes : "include:${i}"], ["~all"]))
}

resource "cloudflare_dns_record" "spf" {
  zone_id = var.zone_id
  name    = var.domain
  type    = "TXT"
  content = "\"${local.spf}\""
  ttl     = 3600
  comment = "SPF: the one record, built from the mail provider's includes"
}

resource "cloudflare_dns_record" "extra_txt" {
  for_each = toset(var.extra_txt_records)
  zone_id  = var.zone_id
  name     = var.domain
  type     = "TXT"
  content  = "\"${each.value}\""
  ttl      = 3600
}

resource "cloudflare_dns_record" "dkim" {
  for_each = { for r in var.dkim_records : r.selector => r }
  zone_id  = var.zone_id
  name     = "${each.value.selector}._domainkey.${var.domain}"
  type     = each.value.type
  content  = each.value.type == "TXT" ? "\"${each.value.value}\"" : each.value.value
  proxied  = false # mail records are never proxied
  ttl      = 3600
  comment  = "DKIM (${var.mail_provider}: ${local.mail_presets[var.mail_provider].dkim_hint})"
}

resource "cloudflare_dns_record" "dmarc" {
  zone_id = var.zone_id
  name    = "_dmarc.${var.domain}"
  type    = "TXT"
  content = "\"v=DMARC1; p=${var.dmarc_policy}; rua=${var.dmarc_rua}; adkim=r; aspf=r\""
  ttl     = 3600
}

resource "cloudflare_dns_record" "mx" {
  for_each = { for r in var.mx_records : r.host => r }
  zone_id  = var.zone_id
  name     = var.domain
  type     = "MX"
  content  = each.value.host
  priority = each.value.priority
  ttl      = 3600
}
