-- "Let the next N in" (issue 22): each request that invites people from the front of a line is
-- one batch. The client's Idempotency-Key is unique, so the same request sent twice (a retry, a
-- double click) finds the first batch instead of inviting N more people; the insert of a second
-- request with the same key waits for the first one's transaction and then finds its row.
create table invite_batch (
    id               bigint generated always as identity primary key,
    waitlist         varchar(64)  not null,
    idempotency_key  varchar(200) not null,
    -- what was asked for, and how many were found to invite (fewer when the line ran out)
    requested        integer      not null,
    invited          integer      not null default 0,
    -- the admin token that asked, as in admin_audit
    token_name       varchar(100) not null,
    created_at       timestamptz  not null default now(),
    constraint invite_batch_idempotency_key_unique unique (idempotency_key)
);

-- Which batch let a person in; null for people invited one by one (or before batches existed).
-- Set null when a batch row is removed, so a batch never keeps a person's row alive or away.
alter table signup add column invite_batch_id bigint references invite_batch (id) on delete set null;

-- [jooq ignore start]
-- The next people to invite are the confirmed, not yet invited ones at the front of the line.
-- On signup_confirmed_position_idx that walk would first step over everyone invited before
-- (the front of the line is exactly who gets invited first), growing with every batch; this
-- index holds only the people still waiting, so each batch reads about N entries.
create index signup_invite_queue_idx on signup (waitlist, position_key, confirmation_order)
    where position_key is not null and invited_at is null;
-- the replay of a batch and "who came in with batch 7" find its people by index
create index signup_invite_batch_idx on signup (invite_batch_id) where invite_batch_id is not null;
-- [jooq ignore stop]
