-- Contact / inquiry form submissions.
create table lead (
    id            bigint generated always as identity primary key,
    form          text        not null,
    email         text        not null,
    email_key     text        not null,
    name          text,
    company       text,
    message       text        not null,
    custom_fields jsonb       not null default '{}',
    utm_source    text,
    utm_medium    text,
    utm_campaign  text,
    utm_term      text,
    utm_content   text,
    referrer      text,
    landing_page  text,
    -- hash of (form, email_key, message, UTC day): a double-click or a replayed post is one lead
    dedupe_key    text        not null,
    created_at    timestamptz not null default now(),
    constraint lead_dedupe_key_unique unique (form, dedupe_key)
);
