-- A sent email no longer needs what it was rendered from (template_data: the funnel, the person's
-- name, the link's expiry): nothing reads it again, and the person's name need not stay in the
-- outbox once their confirmation has gone. The sender now clears it in the "sent" mark, which
-- also makes that mark's new row version, and so its WAL, smaller (issue 23: about 50 bytes of
-- the 2.6 KB a signup and its mail wrote once the sender leased its emails).
--
-- Widening the check is safe for the previous release: it never clears template_data, and it
-- never reads a sent row's. NOT VALID, then VALIDATE: the existing rows are checked without
-- blocking inserts, as in V15.
-- [jooq ignore start]
alter table outbox_email drop constraint outbox_email_rendered_or_template;
alter table outbox_email add constraint outbox_email_rendered_or_template
    check (status = 'sent' or template_data is not null
           or (subject is not null and text_body is not null and html_body is not null))
    not valid;
alter table outbox_email validate constraint outbox_email_rendered_or_template;
-- [jooq ignore stop]
