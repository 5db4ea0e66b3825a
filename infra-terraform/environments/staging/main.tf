# Launchline's staging zone. Secrets come from the environment, never a file:
#   export CLOUDFLARE_API_TOKEN=...   TF_VAR_origin_lock_secret=...
terraform {
  required_version = ">= 1.9" # a validation may refer to another variable (hsts_preload) since 1.9
  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.14"
    }
  }
}

provider "cloudflare" {} # reads CLOUDFLARE_API_TOKEN

module "launch_zone" {
  source = "../../modules/launch-zone"

  environment        = "staging"
  zone_id            = var.zone_id
  account_id         = var.account_id
  domain             = var.domain
  canonical_host     = var.canonical_host
  origin_address     = var.origin_address
  origin_url         = var.origin_url
  origin_lock_secret = var.origin_lock_secret
  site_name          = var.site_name
  hsts_max_age       = var.hsts_max_age
  mail_provider      = var.mail_provider
  dkim_records       = var.dkim_records
  dmarc_policy       = var.dmarc_policy
  dmarc_rua          = var.dmarc_rua
  alert_email        = var.alert_email
}

output "canonical_url" {
  value = module.launch_zone.canonical_url
}

output "turnstile_sitekey" {
  value = module.launch_zone.turnstile_sitekey
}

output "turnstile_secret" {
  value     = module.launch_zone.turnstile_secret
  sensitive = true
}
