-- Referral fraud (issue 3). client_network_hash: HMAC-SHA256 (keyed by the token signing key) of
-- the client's IPv4 address or IPv6 /64 at signup - never the address itself - so a referee
-- from the referrer's own network can be recognised. referral_not_credited: why this signup's
-- referral earns the referrer nothing when it confirms ('self_referral', 'same_network'); null
-- means it counts. Both nullable: rows from before this release are unaffected.
alter table signup
    add column client_network_hash   varchar(64),
    add column referral_not_credited varchar(32);
