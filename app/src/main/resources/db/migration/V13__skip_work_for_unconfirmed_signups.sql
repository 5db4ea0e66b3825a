-- A new signup is unconfirmed: it has no place in line (position_key is null) and nobody
-- referred most of them. Until now each insert still called the position-bucket trigger
-- function (which then did nothing) and added an entry to two indexes that no query reads
-- for such rows. Under a launch spike that is work for every signup and every one of them
-- written to the WAL; confirmed signups and referrals keep exactly the indexes they had.

-- [jooq ignore start]
drop trigger signup_position_bucket_sync on signup;

create trigger signup_position_bucket_on_insert
    after insert on signup
    for each row
    when (new.position_key is not null)
    execute function signup_position_bucket_sync();

-- the function takes the old key out and puts the new one in: nothing to do when it did not change
create trigger signup_position_bucket_on_update
    after update of position_key on signup
    for each row
    when (old.position_key is distinct from new.position_key)
    execute function signup_position_bucket_sync();

create trigger signup_position_bucket_on_delete
    after delete on signup
    for each row
    when (old.position_key is not null)
    execute function signup_position_bucket_sync();
-- [jooq ignore stop]

-- (ignored by jOOQ's code generator too: its H2 simulation keeps the foreign key's index)
-- [jooq ignore start]
-- position() reads only confirmed rows (position_key >= ...); the foreign key's
-- "on delete set null" and the referral queries look up only non-null referred_by.
create index signup_confirmed_position_idx on signup (waitlist, position_key, confirmation_order)
    where position_key is not null;
drop index signup_position_idx;

create index signup_referred_idx on signup (referred_by) where referred_by is not null;
drop index signup_referred_by_idx;
-- [jooq ignore stop]
