terraform {
  required_version = ">= 1.9" # a validation may refer to another variable (hsts_preload) since 1.9
  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.14"
    }
  }
}
