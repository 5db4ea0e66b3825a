output "canonical_url" {
  description = "Where visitors end up; the service's PUBLIC_BASE_URL."
  value       = "https://${local.canonical}"
}

output "turnstile_sitekey" {
  description = "The widget's sitekey (public; the Worker already has it)."
  value       = cloudflare_turnstile_widget.signup.sitekey
}

output "turnstile_secret" {
  description = "The service's TURNSTILE_SECRET_KEY: terraform output -raw turnstile_secret into your secret store."
  value       = cloudflare_turnstile_widget.signup.secret
  sensitive   = true
}

output "spf_record" {
  description = "The one SPF record, as published."
  value       = local.spf
}

output "healthcheck_id" {
  description = "The /readyz health check."
  value       = cloudflare_healthcheck.readyz.id
}
