#!/usr/bin/env bash
# PostgreSQL's CPU and WAL per email for five ways a mail sender can take and mark its emails,
# measured with pgbench on a scratch database migrated by the service itself (issue 23):
#   lease   - 20 emails leased in one statement ('sending', locked_until, locked_by), then each
#             marked sent in a statement of its own (autocommit), which also clears template_data
#             (V24); the settings (no bitmap scans, commits not waiting for the disk) hold for each.
#             The sender now holds its batch in an open claim instead (no lease written), which
#             needs two connections and so is measured end to end (docs/performance.md), not here
#   kept    - the same, but the "sent" mark keeps template_data
#   pending - as lease, but the lease leaves status 'pending' (a HOT update where the page has
#             room; the previous release's claim would not honour it)
#   single  - the sender's way before: per email one transaction (settings + claim of one email,
#             FOR UPDATE SKIP LOCKED; the "sent" update; commit)
#   delete  - as single, but the sent row is deleted into a narrow sent log
# Each run starts from the same state (50,000 sent emails, analysed), queues 20 emails per
# pgbench transaction as a signup burst would, sends them, then VACUUMs what it left behind; the
# CPU counted is the postmaster's ended children (pgbench's backend, the VACUUM's, autovacuum
# workers). Needs psql and pgbench on PATH, a PostgreSQL it may create a database on (trust or
# PGPASSWORD), and the service's jar (./mvnw -pl app package -DskipTests) with a Java 21+ on PATH or in JAVA_HOME.
#
#   gatling/probes/sender_designs.sh [seconds per run, default 20]   # PGHOST/PGPORT/PGUSER as for psql
set -euo pipefail
SECONDS_PER_RUN=${1:-20}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=launchline_sender_designs
JAR=$(dirname "$0")/../../app/target/launchline.jar
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

psql -q -d postgres -c "drop database if exists $DB" -c "create database $DB"
APP_ENV=dev DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" DATABASE_USER="$PGUSER" SMTP_HOST=127.0.0.1 \
    "${JAVA_HOME:+$JAVA_HOME/bin/}java" -jar "$JAR" migrate > /dev/null
# the probe's emails belong to no signup row; a sent log for the "delete" design
psql -q -d $DB -c "alter table outbox_email drop constraint outbox_email_signup_id_fkey" \
    -c "create table sent_email (id bigint primary key, signup_id bigint, kind varchar(32) not null,
                                 message_id varchar(255) not null, sent_at timestamptz not null)" \
    -c "create index sent_email_sent_at_idx on sent_email (sent_at)"

COLUMNS="o.id, o.message_id, o.kind, o.signup_id, o.sender, o.recipient, o.reply_to, o.subject, o.text_body, o.html_body, o.unsubscribe_url, o.template_data, o.attempts, o.created_at, o.next_attempt_at"
SUPPRESSION="left join email_suppression s on s.address_hash = encode(sha256(convert_to(lower(o.recipient), 'UTF8')), 'hex')"
QUEUE="insert into outbox_email (message_id, signup_id, kind, sender, recipient, template_data, next_attempt_at) select '<b' || :n || '-' || g || '@x>', :n::bigint * 100 + g, 'confirm_signup', 'L <hi@example.com>', 'p' || :n || '-' || g || '@example.com', '{\"waitlist\":\"launch\",\"name\":\"Ann\",\"expires_at\":1800000000}', now() from generate_series(1, 20) g;"
CLAIM_ONE="select $COLUMNS, s.reason from outbox_email o $SUPPRESSION where (o.status = 'pending' or (o.status = 'sending' and o.locked_until < now())) and o.next_attempt_at >= now() - interval '1 s' and o.next_attempt_at <= now() order by o.next_attempt_at limit 1 for update of o skip locked \\gset"
SETTINGS="select set_config('enable_bitmapscan', 'off', true), set_config('synchronous_commit', 'off', true);"
MARK_KEEP="update outbox_email set status = 'sent', sent_at = now(), attempts = attempts + 1, locked_until = null, locked_by = null, last_error = null where id ="
MARK_SENT="update outbox_email set template_data = null, status = 'sent', sent_at = now(), attempts = attempts + 1, locked_until = null, locked_by = null, last_error = null where id ="

{
    echo '\set n random(1, 1000000000)'; echo "$QUEUE"
    for _ in $(seq 20); do printf '%s\n' "begin;" "$SETTINGS" "$CLAIM_ONE" "$MARK_KEEP :id;" "commit;"; done
} > "$WORK/single.sql"
{
    echo '\set n random(1, 1000000000)'; echo "$QUEUE"
    echo "begin;"; echo "$SETTINGS"
    echo "with due as (select o.id, s.reason from outbox_email o $SUPPRESSION where (o.status = 'pending' or (o.status = 'sending' and o.locked_until < now())) and o.next_attempt_at >= now() - interval '1 s' and o.next_attempt_at <= now() order by o.next_attempt_at limit 20 for update of o skip locked), leased as (update outbox_email o set status = 'sending', locked_until = now() + interval '60 s', locked_by = 'probe' from due where o.id = due.id returning $COLUMNS, due.reason) select min(id) as first from leased \\gset"
    echo "commit;"
    # one statement queued these 20, so their ids are consecutive
    for k in $(seq 0 19); do echo "$MARK_SENT :first + $k and status = 'sending' and locked_by = 'probe';"; done
} > "$WORK/lease.sql"
{
    echo '\set n random(1, 1000000000)'; echo "$QUEUE"
    echo "begin;"; echo "$SETTINGS"
    echo "with due as (select o.id, s.reason from outbox_email o $SUPPRESSION where (o.status = 'pending' or (o.status = 'sending' and o.locked_until < now())) and o.next_attempt_at >= now() - interval '1 s' and o.next_attempt_at <= now() order by o.next_attempt_at limit 20 for update of o skip locked), leased as (update outbox_email o set status = 'sending', locked_until = now() + interval '60 s', locked_by = 'probe' from due where o.id = due.id returning $COLUMNS, due.reason) select min(id) as first from leased \\gset"
    echo "commit;"
    # one statement queued these 20, so their ids are consecutive
    for k in $(seq 0 19); do echo "$MARK_KEEP :first + $k and status = 'sending' and locked_by = 'probe';"; done
} > "$WORK/kept.sql"
{
    echo '\set n random(1, 1000000000)'; echo "$QUEUE"
    echo "begin;"; echo "$SETTINGS"
    echo "with due as (select o.id, s.reason from outbox_email o $SUPPRESSION where o.status = 'pending' and (o.locked_until is null or o.locked_until < now()) and o.next_attempt_at >= now() - interval '1 s' and o.next_attempt_at <= now() order by o.next_attempt_at limit 20 for update of o skip locked), leased as (update outbox_email o set locked_until = now() + interval '60 s', locked_by = 'probe' from due where o.id = due.id returning $COLUMNS, due.reason) select min(id) as first from leased \\gset"
    echo "commit;"
    # one statement queued these 20, so their ids are consecutive
    for k in $(seq 0 19); do echo "$MARK_SENT :first + $k and locked_by = 'probe';"; done
} > "$WORK/pending.sql"
{
    echo '\set n random(1, 1000000000)'; echo "$QUEUE"
    for _ in $(seq 20); do
        printf '%s\n' "begin;" "$SETTINGS" "$CLAIM_ONE" \
            "with gone as (delete from outbox_email where id = :id returning id, signup_id, kind, message_id) insert into sent_email select id, signup_id, kind, message_id, now() from gone;" "commit;"
    done
} > "$WORK/delete.sql"

# the postmaster's pid, from its data directory (run this as its owner or as root)
postmaster=$(head -1 "$(psql -A -t -d $DB -c 'show data_directory')/postmaster.pid")
# utime + stime of the postmaster and of its children that ended (cutime + cstime), in 1/100 s
ended_cpu() { awk '{ sub(/.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$postmaster/stat"; }

for round in 1 2; do
    for design in lease kept pending single delete; do
        psql -q -d $DB -c "truncate outbox_email, sent_email" \
            -c "insert into outbox_email (message_id, signup_id, kind, sender, recipient, template_data, status, sent_at, next_attempt_at, attempts)
                select '<' || g || '@x>', g, 'confirm_signup', 'L <hi@example.com>', 'p' || g || '@example.com', '{}', 'sent', now(),
                       now() - interval '1 minute' + g * interval '1 ms', 1 from generate_series(1, 50000) g" \
            -c "vacuum analyze outbox_email" -c "checkpoint"
        lsn=$(psql -A -t -d $DB -c "select pg_current_wal_lsn()")
        before=$(ended_cpu)
        # commits that do not wait for the disk, as the sender's (the lease's marks run outside its transaction)
        out=$(PGOPTIONS="-c synchronous_commit=off -c enable_bitmapscan=off" \
            pgbench -n -M prepared -c 1 -T "$SECONDS_PER_RUN" -f "$WORK/$design.sql" $DB 2>&1)
        psql -q -d $DB -c "vacuum outbox_email" -c "vacuum sent_email"
        sleep 0.5 # the VACUUM's backend has ended and been reaped
        after=$(ended_cpu)
        transactions=$(echo "$out" | awk '/transactions actually processed/ { split($NF, n, "/"); print n[1] }')
        emails=$((transactions * 20))
        wal=$(psql -A -t -d $DB -c "select round((pg_current_wal_lsn() - '$lsn'::pg_lsn) / $emails)")
        printf 'round %d  %-6s  %7d emails  %.3f ms of PostgreSQL CPU and %s bytes of WAL per email (queueing it included)\n' \
            "$round" "$design" "$emails" "$(echo "($after - $before) * 10 / $emails" | bc -l)" "$wal"
    done
done
psql -q -d postgres -c "drop database $DB"
