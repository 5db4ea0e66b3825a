-- Least privilege for Launchline: two roles, one database.
--   launchline_migrator  owns the database and its schema; runs the migrations
--                        (DATABASE_MIGRATION_USER / DATABASE_MIGRATION_PASSWORD)
--   launchline_app       what the service runs as (DATABASE_USER / DATABASE_PASSWORD):
--                        reads and writes rows; cannot create, alter, drop or truncate anything
--
-- Run once per database, as a superuser or a role with CREATEROLE and CREATEDB
-- (runbooks/database-roles.md):
--   psql "postgresql://admin@db.internal/postgres" \
--     -v migrator_password="$MIGRATOR_PASSWORD" -v app_password="$APP_PASSWORD" \
--     -f app/config/database-roles.sql
-- DatabaseRolesTest runs this very file (with unique names) and proves the app role cannot
-- change the schema.

create role launchline_migrator login password :'migrator_password';
create role launchline_app login password :'app_password';
create database launchline owner launchline_migrator;

\connect launchline

-- nobody but the owner creates objects (PostgreSQL 15 does this already; older ones do not)
revoke create on schema public from public;
revoke all on database launchline from public;
grant connect on database launchline to launchline_app;
grant usage on schema public to launchline_app;

-- every table, sequence and function the migrator creates from now on is usable by the app,
-- row by row, and nothing more: no truncate, no references, no trigger, no ownership
alter default privileges for role launchline_migrator in schema public
    grant select, insert, update, delete on tables to launchline_app;
alter default privileges for role launchline_migrator in schema public
    grant usage, select on sequences to launchline_app;
alter default privileges for role launchline_migrator in schema public
    grant execute on functions to launchline_app;
