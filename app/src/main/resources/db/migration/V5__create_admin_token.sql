-- Bearer tokens for the admin API. Only a SHA-256 of each token is stored: a token is 256
-- random bits, so its hash cannot be reversed or guessed, and a leaked table grants nothing.
-- Several tokens may be active at once (rotation: create the new one, deploy, revoke the old).
create table admin_token (
    id           bigint generated always as identity primary key,
    name         varchar(100) not null,
    -- 'write' implies 'read'
    scope        varchar(16)  not null,
    -- lowercase hex SHA-256 of the whole token string
    token_hash   varchar(64)  not null,
    created_at   timestamptz  not null default now(),
    -- refreshed at most once a minute per token, not on every request
    last_used_at timestamptz,
    revoked_at   timestamptz,
    constraint admin_token_scope_check check (scope in ('read', 'write')),
    constraint admin_token_hash_unique unique (token_hash)
);

-- A name picks one active token (for revoke); a revoked name may be reused.
create unique index admin_token_active_name_unique on admin_token (name) where revoked_at is null;
