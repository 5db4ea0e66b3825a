-- Synthetic smoke checks (issue 4) create a signup marked is_test through the admin API only
-- (write scope); the public signup path never sets it. A test row is never in line: it can
-- never get a position_key, so the position bucket trigger (V4), positions and confirmed
-- totals - which all count only rows with a position_key - leave it out by construction, and
-- the database refuses any code path that would put one in line.
alter table signup add column is_test boolean not null default false;

alter table signup add constraint signup_test_never_in_line check (not is_test or position_key is null);
