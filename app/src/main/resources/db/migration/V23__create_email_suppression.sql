-- Bounce and complaint suppression (issue 22, part 4): an address that hard-bounced, complained, or
-- that an operator suppressed gets no more mail from the senders (docs/email-reputation.md says
-- which mail and the one exception). Only a hash of the address is kept, never the address: an
-- erased person leaves nothing here that names them, yet their address stays suppressed.
create table email_suppression (
    id               bigint generated always as identity primary key,
    -- hex SHA-256 of the lower-cased address; the senders look each recipient up by it
    address_hash     varchar(64)  not null,
    reason           varchar(16)  not null,
    source           varchar(16)  not null,
    -- the provider's diagnosis (bounce type, status code, text) with any address in it blanked
    detail           varchar(500),
    created_at       timestamptz  not null default now(),
    -- the latest bounce or complaint: the confirmation rule counts its age from here
    updated_at       timestamptz  not null default now(),
    constraint email_suppression_address_hash_unique unique (address_hash),
    constraint email_suppression_reason_check check (reason in ('hard_bounce', 'complaint', 'manual')),
    constraint email_suppression_source_check check (source in ('ses', 'mailgun', 'admin'))
);

-- The admin list pages newest first, optionally by reason.
create index email_suppression_reason_idx on email_suppression (reason, id);

-- A queued email to a suppressed address ends as 'suppressed': neither sent nor a delivery failure.
-- Widening the check is safe for the previous release: it never writes the new status, and its
-- claim, backlog and dead-letter counts select the statuses they know, so it passes such rows by.
alter table outbox_email drop constraint outbox_email_status_check;
alter table outbox_email add constraint outbox_email_status_check
    check (status in ('pending', 'sending', 'sent', 'dead', 'suppressed'));

-- The dashboard counts the suppressed emails of its window, as it counts the sent and dead (V11).
create index outbox_email_suppressed_idx on outbox_email (created_at) where status = 'suppressed';
