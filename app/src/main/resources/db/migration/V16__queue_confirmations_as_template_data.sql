-- From this release on a signup's confirmation is queued as template data (V15 taught the
-- previous release to send such rows, so rolling back to it strands nothing).
--
-- Message-IDs are "<random UUID@domain>": unique without an index. The unique constraint put an
-- entry of about 60 bytes into an index twice per email (queued, then sent: the "sent" update is
-- not a HOT update), for a lookup nothing makes.
-- [jooq ignore start]
alter table outbox_email drop constraint outbox_email_message_id_unique;
-- [jooq ignore stop]
