variable "zone_id" {
  description = "The Cloudflare zone of the launch domain (dashboard: the zone's Overview page)."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.zone_id))
    error_message = "zone_id is the 32-character hex id of the zone."
  }
}

variable "account_id" {
  description = "The Cloudflare account that owns the zone (for the Worker, Turnstile and notifications)."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id is the 32-character hex id of the account."
  }
}

variable "environment" {
  description = "staging or production: names resources, and staging is kept out of search engines."
  type        = string
  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment is staging or production."
  }
}

variable "domain" {
  description = "The apex the site lives on, e.g. rocket.example (staging: e.g. staging.rocket.example)."
  type        = string
  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain is a lower-case host name such as rocket.example."
  }
}

variable "canonical_host" {
  description = "The one host visitors end up on: the apex or www."
  type        = string
  default     = "apex"
  validation {
    condition     = contains(["apex", "www"], var.canonical_host)
    error_message = "canonical_host is apex or www."
  }
}

variable "redirect_status" {
  description = "Status of the redirects to https and to the canonical host: 301 or 308 (308 keeps a POST a POST)."
  type        = number
  default     = 301
  validation {
    condition     = contains([301, 308], var.redirect_status)
    error_message = "redirect_status is 301 or 308."
  }
}

variable "origin_address" {
  description = "The origin's public IPv4 address; only Cloudflare should ever see it (records are proxied)."
  type        = string
  validation {
    condition     = can(cidrhost("${var.origin_address}/32", 0))
    error_message = "origin_address is an IPv4 address."
  }
}

variable "api_host" {
  description = "A separate host for the API (e.g. api), or empty when the API is served on the site's hosts."
  type        = string
  default     = ""
  validation {
    condition     = var.api_host == "" || can(regex("^[a-z0-9-]+$", var.api_host))
    error_message = "api_host is a single label such as api, or empty."
  }
}

variable "caa_issuers" {
  description = "Certificate authorities allowed to issue for the domain (Cloudflare's Universal SSL uses these)."
  type        = list(string)
  default     = ["letsencrypt.org", "pki.goog", "ssl.com", "digicert.com"]
  validation {
    condition     = length(var.caa_issuers) > 0
    error_message = "At least one CA must be allowed, or no certificate can be issued."
  }
}

variable "hsts_max_age" {
  description = "HSTS max-age in seconds. Stage it: 300 first, then a week, then 31536000 or more once every host serves https."
  type        = number
  default     = 300
  validation {
    condition     = var.hsts_max_age >= 0 && var.hsts_max_age <= 63072000
    error_message = "hsts_max_age is between 0 and 63072000 (two years)."
  }
}

variable "hsts_include_subdomains" {
  description = "Send includeSubDomains: only once every subdomain serves https."
  type        = bool
  default     = false
}

variable "hsts_preload" {
  description = "Ask for preload listing: needs includeSubDomains and a max-age of at least 31536000."
  type        = bool
  default     = false
  validation {
    condition     = !var.hsts_preload || var.hsts_max_age >= 31536000
    error_message = "hsts_preload needs hsts_max_age >= 31536000."
  }
}

variable "mail_provider" {
  description = "The transactional mail provider sending from the domain: postmark, ses or resend (presets in email.tf)."
  type        = string
  validation {
    condition     = contains(["postmark", "ses", "resend"], var.mail_provider)
    error_message = "mail_provider is postmark, ses or resend."
  }
}

variable "dkim_records" {
  description = "The provider's DKIM records, as its dashboard shows them: selector (the name before ._domainkey), type (CNAME or TXT) and value."
  type = list(object({
    selector = string
    type     = string
    value    = string
  }))
  validation {
    condition     = length(var.dkim_records) > 0 && alltrue([for r in var.dkim_records : contains(["CNAME", "TXT"], r.type)])
    error_message = "Give at least one DKIM record, each of type CNAME or TXT."
  }
}

variable "spf_extra_includes" {
  description = "Further SPF includes (another sender on the same domain); there is exactly one SPF record."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for i in var.spf_extra_includes : !can(regex("all", i))])
    error_message = "spf_extra_includes are host names to include, not mechanisms like +all."
  }
}

variable "extra_txt_records" {
  description = "Other TXT records at the apex (site verifications). Never an SPF record: there must be only one, built in email.tf."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for t in var.extra_txt_records : !startswith(lower(t), "v=spf1")])
    error_message = "An SPF record in extra_txt_records would be a second SPF record, which breaks SPF: use spf_extra_includes."
  }
}

variable "dmarc_policy" {
  description = "DMARC policy: none while you read the reports, then quarantine, then reject."
  type        = string
  default     = "none"
  validation {
    condition     = contains(["none", "quarantine", "reject"], var.dmarc_policy)
    error_message = "dmarc_policy is none, quarantine or reject."
  }
}

variable "dmarc_rua" {
  description = "Where aggregate DMARC reports go, e.g. mailto:dmarc@rocket.example."
  type        = string
  validation {
    condition     = startswith(var.dmarc_rua, "mailto:")
    error_message = "dmarc_rua is a mailto: address."
  }
}

variable "mx_records" {
  description = "Mail servers receiving for the domain (replies to the founder), or empty."
  type = list(object({
    host     = string
    priority = number
  }))
  default = []
}

variable "signup_rate_limit" {
  description = "Signup and contact-form posts per IP per minute let through to the origin (the origin has its own limits behind these)."
  type        = number
  default     = 20
  validation {
    condition     = var.signup_rate_limit >= 1
    error_message = "signup_rate_limit is at least 1."
  }
}

variable "worker_script_path" {
  description = "The Worker bundle built by `npm run build` in cloudflare/."
  type        = string
  default     = "../../../cloudflare/dist/worker.js"
}

variable "origin_url" {
  description = "Where the Worker finds the service, e.g. https://origin.rocket.example (a host the Worker can reach)."
  type        = string
  validation {
    condition     = startswith(var.origin_url, "https://")
    error_message = "origin_url is an https URL: the origin-lock secret travels in its requests."
  }
}

variable "origin_lock_secret" {
  description = "The secret the Worker adds to every request to the origin; the same value as the service's ORIGIN_LOCK_SECRET. From TF_VAR_origin_lock_secret, never a file."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.origin_lock_secret) >= 32
    error_message = "origin_lock_secret has at least 32 characters (openssl rand -base64 32)."
  }
}

variable "waitlist" {
  description = "The waitlist the landing page signs people up to."
  type        = string
  default     = "launch"
}

variable "site_name" {
  description = "The name the landing page shows."
  type        = string
}

variable "alert_email" {
  description = "Who is told when the health check fails."
  type        = string
  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+$", var.alert_email))
    error_message = "alert_email is an email address."
  }
}
