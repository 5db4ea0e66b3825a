-- The purge of unconfirmed signups (issue 3) finds old unconfirmed rows through a small partial
-- index instead of scanning the table, and its cascade to outbox_email (and an erasure's) finds
-- that person's mail by index instead of scanning the whole outbox once per deleted signup.
create index signup_unconfirmed_created_idx on signup (created_at) where confirmed_at is null;

create index outbox_email_signup_idx on outbox_email (signup_id);
