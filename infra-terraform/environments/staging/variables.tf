variable "zone_id" {
  description = "The zone's id."
  type        = string
}

variable "account_id" {
  description = "The account's id."
  type        = string
}

variable "domain" {
  description = "The site's apex in this environment."
  type        = string
}

variable "canonical_host" {
  description = "apex or www."
  type        = string
  default     = "apex"
}

variable "origin_address" {
  description = "The origin's IPv4 address."
  type        = string
}

variable "origin_url" {
  description = "Where the Worker reaches the service (https)."
  type        = string
}

variable "origin_lock_secret" {
  description = "The service's ORIGIN_LOCK_SECRET: TF_VAR_origin_lock_secret, from your secret store."
  type        = string
  sensitive   = true
}

variable "site_name" {
  description = "The name on the landing page."
  type        = string
}

variable "hsts_max_age" {
  description = "Staged HSTS max-age (see the module)."
  type        = number
}

variable "mail_provider" {
  description = "postmark, ses or resend."
  type        = string
}

variable "dkim_records" {
  description = "DKIM records from the mail provider's dashboard."
  type = list(object({
    selector = string
    type     = string
    value    = string
  }))
}

variable "dmarc_policy" {
  description = "none, quarantine or reject."
  type        = string
  default     = "none"
}

variable "dmarc_rua" {
  description = "mailto: for aggregate DMARC reports."
  type        = string
}

variable "alert_email" {
  description = "Who hears when /readyz fails."
  type        = string
}
