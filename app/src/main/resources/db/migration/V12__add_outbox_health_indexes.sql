-- Lead-capture health (readiness, the admin API and the metrics gauges) asks, every few seconds,
-- "when did mail last leave?" and "how many emails were dead-lettered lately?". Without these
-- both are full scans of outbox_email, which only ever grows.
-- max(sent_at) becomes one step down this index.
create index outbox_email_sent_at_idx on outbox_email (sent_at) where sent_at is not null;
-- Dead letters are few; markFailed stamps next_attempt_at with the moment an email was given up.
create index outbox_email_dead_idx on outbox_email (next_attempt_at) where status = 'dead';
