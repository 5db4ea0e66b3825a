-- The waitlist leaderboard (issue 22): the name a person chose to appear under, when they chose
-- one; without it they appear as a masked address, never under their full address or name.
-- Nullable, so the previous release (which neither reads nor writes it) runs on this schema.
alter table signup add column leaderboard_name varchar(40);

-- The leaderboard's one query (LeaderboardRepository) reads the top N of this index and stops:
-- without it, each refresh would read every confirmed signup of the waitlist and sort them. It
-- is partial, holding only confirmed, subscribed people with a confirmed referral (position_key
-- is set only on confirmation and never on a test row, V10): a new signup has no referral, so the
-- signup insert of a launch spike never writes to it; confirmations and credited referrals update
-- position_key, which signup_position_idx already makes a non-HOT update.
create index signup_leaderboard_idx on signup (waitlist, confirmed_referrals desc, confirmation_order)
    where confirmed_referrals > 0 and position_key is not null and unsubscribed_at is null;
