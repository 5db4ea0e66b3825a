-- The record of a signup's consent, beside the consent flag itself (V1) and the times it was given
-- (created_at) and confirmed (confirmed_at): which wording the person saw, from which site they
-- sent it, and from which address, as a keyed hash (HMAC with the signing key) rather than the
-- address itself. Null for signups stored before this release and for smoke-check signups.
alter table signup add column consent_version varchar(64);
alter table signup add column consent_origin varchar(255);
alter table signup add column client_address_hash varchar(64);
