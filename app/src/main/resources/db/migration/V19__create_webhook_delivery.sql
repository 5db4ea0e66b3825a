-- Outbound webhooks (Standard Webhooks): one row per event per endpoint, written in the same
-- transaction as the change that caused it, and delivered by the webhook senders. Like the mail
-- outbox, the row is the promise: an event that happened is delivered at least once, whatever the
-- receiver is doing meanwhile.
create table webhook_delivery (
    id               bigint generated always as identity primary key,
    -- the webhook-id header: stable across retries and replays, so a receiver drops duplicates
    message_id       varchar(64)  not null,
    -- the endpoint's id in WEBHOOKS; an endpoint removed from the configuration is dead-lettered
    endpoint         varchar(64)  not null,
    event_type       varchar(64)  not null,
    -- erasure deletes the person's deliveries, payloads included (on delete cascade); person.erased
    -- itself refers to nobody stored, so it outlives the row it announces
    signup_id        bigint       references signup (id) on delete cascade,
    lead_id          bigint       references lead (id) on delete cascade,
    payload          jsonb        not null,
    status           varchar(16)  not null default 'pending',
    attempts         integer      not null default 0,
    -- when it is next due; a sender that takes it moves this past its lease, so a sender that dies
    -- mid-delivery leaves it due again once the lease has run out
    next_attempt_at  timestamptz  not null default now(),
    last_status      integer,
    last_error       varchar(500),
    created_at       timestamptz  not null default now(),
    delivered_at     timestamptz,
    constraint webhook_delivery_status_check check (status in ('pending', 'delivered', 'dead'))
);

-- The senders' claim walks the due rows oldest first; delivered and dead rows are not in it.
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'pending';
-- The admin API lists dead letters and replays them; they are few.
create index webhook_delivery_dead_idx on webhook_delivery (endpoint, id) where status = 'dead';
-- Housekeeping deletes delivered rows past WEBHOOK_RETENTION_DAYS, oldest first.
create index webhook_delivery_delivered_idx on webhook_delivery (delivered_at) where status = 'delivered';
-- Erasure finds a person's deliveries through these (the foreign keys' cascades).
create index webhook_delivery_signup_idx on webhook_delivery (signup_id) where signup_id is not null;
create index webhook_delivery_lead_idx on webhook_delivery (lead_id) where lead_id is not null;
