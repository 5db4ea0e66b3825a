-- The mail sender claims due emails by walking outbox_email_due_idx from the oldest entry. Marking
-- an email sent takes its row out of that partial index only for new scans: the old entry stays,
-- dead, until VACUUM removes it, and every claim walks past it (as a heap visit per entry when
-- the planner picks a bitmap scan, as a skipped index item once an index scan has marked it dead).
-- With the default thresholds VACUUM waits for a fifth of the table to be dead: a million sent
-- emails means 200,000 dead entries before each claim's result. Measured on the embedded
-- PostgreSQL after a 30 s burst: 27,000 dead entries, each claim 14 ms and 7,000 buffers to find
-- one due email, the two senders' backends at 20-47 % of a core while 70 signups/s came in.
-- Vacuum it once a thousand rows changed, at every autovacuum round (autovacuum_naptime, 1 min),
-- and keep its statistics as fresh, so the planner knows how few rows are due.
-- [jooq ignore start]
alter table outbox_email set (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 1000
);
-- [jooq ignore stop]
