-- When an admin marked the signup as invited (let in from the waitlist); null until then.
alter table signup add column invited_at timestamptz;
