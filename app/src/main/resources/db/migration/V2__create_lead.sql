-- Contact / inquiry form submissions.
create table lead (
    id            bigint generated always as identity primary key,
    form          varchar(64)        not null,
    email         varchar(320)        not null,
    email_key     varchar(320)        not null,
    name          varchar(200),
    company       varchar(200),
    message       varchar(10000)        not null,
    custom_fields jsonb       not null default '{}',
    utm_source    varchar(200),
    utm_medium    varchar(200),
    utm_campaign  varchar(200),
    utm_term      varchar(200),
    utm_content   varchar(200),
    referrer      varchar(2048),
    landing_page  varchar(2048),
    -- hash of (form, email_key, message, UTC day): a double-click or a replayed post is one lead
    dedupe_key    varchar(64)        not null,
    created_at    timestamptz not null default now(),
    constraint lead_dedupe_key_unique unique (form, dedupe_key)
);
