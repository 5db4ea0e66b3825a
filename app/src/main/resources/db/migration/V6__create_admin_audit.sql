-- What admins did: who (token name), what (action and target), when, from where (client IP
-- as resolved through trusted proxies) and the request id that ties it to the logs. A write
-- action inserts its row in the same transaction as the change, so neither exists alone.
create table admin_audit (
    id          bigint generated always as identity primary key,
    token_name  varchar(100) not null,
    action      varchar(64)  not null,
    -- e.g. "signup:42"; a short filter description for exports; null when there is none
    target      varchar(500),
    client_ip   varchar(64)  not null,
    request_id  varchar(128) not null,
    created_at  timestamptz  not null default now()
);
