-- One row per person per waitlist. email_key is the normalized address that decides
-- "same person" (case-folded, IDN domain in ASCII form, optional Gmail dot folding).
create table signup (
    id                  bigint generated always as identity primary key,
    waitlist            varchar(64)        not null,
    email               varchar(320)        not null,
    email_key           varchar(320)        not null,
    name                varchar(200),
    company             varchar(200),
    role                varchar(200),
    custom_fields       jsonb       not null default '{}',
    consent             boolean     not null default false,
    referral_code       varchar(32)        not null,
    referred_by         bigint      references signup (id) on delete set null,
    utm_source          varchar(200),
    utm_medium          varchar(200),
    utm_campaign        varchar(200),
    utm_term            varchar(200),
    utm_content         varchar(200),
    referrer            varchar(2048),
    landing_page        varchar(2048),
    created_at          timestamptz not null default now(),
    confirmed_at        timestamptz,
    -- order of confirmation among the waitlist's confirmed signups (from a sequence)
    confirmation_order  bigint,
    confirmed_referrals integer     not null default 0,
    -- confirmation_order minus (referral boost x confirmed referrals); null until confirmed.
    -- Position = 1 + number of confirmed signups with a smaller (position_key, confirmation_order).
    position_key        bigint,
    unsubscribed_at     timestamptz,
    -- last time a confirmation / "already on the list" mail was queued: the resend cooldown
    last_mailed_at      timestamptz,
    constraint signup_email_key_unique unique (waitlist, email_key),
    constraint signup_referral_code_unique unique (referral_code)
);

create sequence signup_confirmation_order;

-- Serves the position count as an index range scan instead of a full scan per status request.
create index signup_position_idx on signup (waitlist, position_key, confirmation_order);

create index signup_referred_by_idx on signup (referred_by);
