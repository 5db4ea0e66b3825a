-- Counting every confirmed signup ahead of someone is an index scan as long as the line:
-- ~250 ms at the back of a line of a million. Instead keep a count per bucket of 1024
-- position keys; a position is then the sum over at most (line / 1024) bucket rows plus an
-- index range count inside one bucket. A trigger keeps the buckets exact for every write
-- (confirm, referral credit, erasure), in the writing transaction.
create table signup_position_bucket (
    waitlist  varchar(64) not null,
    -- position_key >> 10: an arithmetic shift, so negative keys (referral boosts) floor correctly
    bucket    bigint      not null,
    confirmed integer     not null default 0,
    constraint signup_position_bucket_pk primary key (waitlist, bucket)
);

-- [jooq ignore start]
create function signup_position_bucket_sync() returns trigger
language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') and old.position_key is not null then
        update signup_position_bucket
           set confirmed = confirmed - 1
         where waitlist = old.waitlist
           and bucket = old.position_key >> 10;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.position_key is not null then
        insert into signup_position_bucket (waitlist, bucket, confirmed)
        values (new.waitlist, new.position_key >> 10, 1)
        on conflict (waitlist, bucket) do update
           set confirmed = signup_position_bucket.confirmed + 1;
    end if;
    return null;
end
$$;

create trigger signup_position_bucket_sync
    after insert or delete or update of position_key on signup
    for each row
    execute function signup_position_bucket_sync();

insert into signup_position_bucket (waitlist, bucket, confirmed)
select waitlist, position_key >> 10, count(*)
  from signup
 where position_key is not null
 group by waitlist, position_key >> 10;
-- [jooq ignore stop]
