# Each environment keeps its own state. Pick a remote backend before the first apply, e.g.:
#
# terraform {
#   backend "s3" {
#     bucket = "rocket-terraform-state"
#     key    = "launchline/production.tfstate"
#     region = "auto"
#     endpoints = { s3 = "https://<account>.r2.cloudflarestorage.com" } # Cloudflare R2
#     use_path_style = true
#     skip_credentials_validation = true
#     skip_region_validation = true
#     skip_requesting_account_id = true
#   }
# }
