-- A confirmation used to be queued fully rendered: its subject, text and HTML bodies (about
-- 1.3 KB) written with the signup, then written again when the "sent" update copied the row.
-- On a slow disk that WAL was most of what a signup cost (issue 23: 5.1 KB and 21 WAL records
-- per signup). A row may now carry only what its email is rendered from (template_data: the
-- funnel, the person's name, the link's expiry), and the sender renders it when it sends it,
-- with the templates in force then.
--
-- Rolled out in two releases, so that a rollback never strands mail: this one adds the column
-- and teaches the sender to render such rows; the next one starts queueing them. Any release
-- that can meet such a row can send it.
alter table outbox_email add column template_data jsonb;

alter table outbox_email alter column subject drop not null;
alter table outbox_email alter column text_body drop not null;
alter table outbox_email alter column html_body drop not null;

-- [jooq ignore start]
-- every row can still become an email: rendered, or with what to render it from
alter table outbox_email add constraint outbox_email_rendered_or_template
    check (template_data is not null or (subject is not null and text_body is not null and html_body is not null))
    not valid;
-- checked against the existing rows without blocking inserts (NOT VALID, then VALIDATE)
alter table outbox_email validate constraint outbox_email_rendered_or_template;
-- [jooq ignore stop]
