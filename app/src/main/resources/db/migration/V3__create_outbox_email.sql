-- Durable outbox: every email is written here in the same transaction as the signup or
-- lead that caused it, fully rendered, and a worker delivers it over SMTP.
create table outbox_email (
    id               bigint generated always as identity primary key,
    -- stable across retries, so a receiver can drop a duplicate after a crash mid-send
    message_id       varchar(255)        not null,
    kind             varchar(32)        not null,
    signup_id        bigint      references signup (id) on delete cascade,
    lead_id          bigint      references lead (id) on delete cascade,
    sender           varchar(400)        not null,
    recipient        varchar(320)        not null,
    reply_to         varchar(400),
    subject          varchar(400)        not null,
    text_body        text        not null,
    html_body        text        not null,
    -- one-click unsubscribe URL (RFC 8058); null for mail the person cannot opt out of
    unsubscribe_url  varchar(2048),
    status           varchar(16)        not null default 'pending',
    attempts         integer     not null default 0,
    next_attempt_at  timestamptz not null default now(),
    -- a claimed row is leased; a worker that dies mid-send loses the lease and the row is retried
    locked_until     timestamptz,
    locked_by        varchar(128),
    last_error       varchar(2000),
    created_at       timestamptz not null default now(),
    sent_at          timestamptz,
    constraint outbox_email_message_id_unique unique (message_id),
    constraint outbox_email_status_check check (status in ('pending', 'sending', 'sent', 'dead'))
);

-- The worker's claim query scans only undelivered rows, oldest due first.
create index outbox_email_due_idx on outbox_email (next_attempt_at) where status in ('pending', 'sending');
