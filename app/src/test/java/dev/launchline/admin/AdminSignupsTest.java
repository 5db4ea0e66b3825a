package dev.launchline.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static dev.launchline.db.schema.Tables.LEAD;
import static dev.launchline.db.schema.Tables.OUTBOX_EMAIL;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** Listing, searching and acting on signups and leads through the admin API. */
class AdminSignupsTest {
    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(AdminClient.TRUSTING_LOCALHOST);
    private static AdminClient admin;
    private static String read;
    private static String write;

    @BeforeAll
    static void issueTokens() {
        admin = new AdminClient(stack.testStack());
        read = admin.issue("ops-read", "read");
        write = admin.issue("ops-write", "write");
    }

    private static List<String> emails(JsonNode page) {
        return StreamSupport.stream(page.get("items").spliterator(), false).map(item -> item.get("email").asText()).toList();
    }

    @Nested
    class Listing {
        @Test
        void filters_by_waitlist_status_email_and_created_range() {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            admin.signup("launch", "pending@filter.test", null, null);
            admin.signup("launch", "confirmed@filter.test", null, now);
            long invited = admin.signup("launch", "invited@filter.test", null, now).getId();
            long gone = admin.signup("launch", "gone@filter.test", null, now).getId();
            admin.signup("instant", "other-list@filter.test", null, now);
            stack.db().update(SIGNUP).set(SIGNUP.INVITED_AT, now).where(SIGNUP.ID.eq(invited)).execute();
            stack.db().update(SIGNUP).set(SIGNUP.UNSUBSCRIBED_AT, now).where(SIGNUP.ID.eq(gone)).execute();

            String base = "/api/v1/admin/signups?email_contains=filter.test";
            assertThat(emails(admin.get(read, base).json())).hasSize(5);
            assertThat(emails(admin.get(read, base + "&waitlist=instant").json()))
                    .containsExactly("other-list@filter.test");
            assertThat(emails(admin.get(read, base + "&waitlist=launch&status=pending").json()))
                    .containsExactly("pending@filter.test");
            assertThat(emails(admin.get(read, base + "&waitlist=launch&status=confirmed").json()))
                    .containsExactly("confirmed@filter.test");
            assertThat(emails(admin.get(read, base + "&status=invited").json())).containsExactly("invited@filter.test");
            assertThat(emails(admin.get(read, base + "&status=unsubscribed").json())).containsExactly("gone@filter.test");
            assertThat(emails(admin.get(read, "/api/v1/admin/signups?email=PENDING@filter.test").json()))
                    .containsExactly("pending@filter.test");
            assertThat(emails(admin.get(read, base + "&created_from=2000-01-01T00:00:00Z&created_before=2001-01-01T00:00:00Z")
                    .json())).isEmpty();
            assertThat(emails(admin.get(read, base + "&created_from=" + now.minusHours(1).toInstant()).json())).hasSize(5);
        }

        @Test
        void a_substring_search_treats_percent_and_underscore_literally() {
            admin.signup("launch", "under_score@literal.test", null, null);
            admin.signup("launch", "underXscore@literal.test", null, null);
            assertThat(emails(admin.get(read, "/api/v1/admin/signups?email_contains=under_score").json()))
                    .containsExactly("under_score@literal.test");
            assertThat(emails(admin.get(read, "/api/v1/admin/signups?email_contains=%25score").json())).isEmpty();
        }

        @Test
        void pages_are_newest_first_and_together_hold_every_row_exactly_once() {
            for (int i = 0; i < 7; i++) {
                admin.signup("launch", "page" + i + "@paging.test", null, null);
            }
            List<String> seen = new ArrayList<>();
            String path = "/api/v1/admin/signups?email_contains=paging.test&limit=3";
            JsonNode page = admin.get(read, path).json();
            int pages = 1;
            seen.addAll(emails(page));
            while (!page.get("next_cursor").isNull()) {
                page = admin.get(read, path + "&before=" + page.get("next_cursor").asText()).json();
                seen.addAll(emails(page));
                pages++;
            }
            assertThat(pages).isEqualTo(3);
            assertThat(seen).containsExactly("page6@paging.test", "page5@paging.test", "page4@paging.test",
                    "page3@paging.test", "page2@paging.test", "page1@paging.test", "page0@paging.test");
        }

        @Test
        void bad_parameters_are_422_naming_each_one() {
            Http.Response response = admin.get(read,
                    "/api/v1/admin/signups?limit=501&status=vip&stauts=pending&created_from=yesterday&before=x");
            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().at("/error/fields").fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("limit", "status", "stauts", "created_from", "before");
        }

        @Test
        void one_signup_by_id_shows_its_fields_in_snake_case_and_an_unknown_id_is_404() {
            long id = admin.signup("launch", "one@byid.test", "Ada", null).getId();
            JsonNode signup = admin.get(read, "/api/v1/admin/signups/" + id).json();
            assertThat(signup.get("email").asText()).isEqualTo("one@byid.test");
            assertThat(signup.get("status").asText()).isEqualTo("pending");
            assertThat(signup.get("custom_fields").isObject()).isTrue();
            assertThat(signup.has("created_at")).isTrue();
            assertThat(admin.get(read, "/api/v1/admin/signups/999999999").status()).isEqualTo(404);
            assertThat(admin.get(read, "/api/v1/admin/signups/not-a-number").status()).isEqualTo(404);
        }

        @Test
        void the_founder_sees_the_name_a_person_chose_for_the_leaderboard_in_the_signup_and_the_export() {
            // a public name needs a moderator: whoever runs the launch can find it, and erase the signup
            long id = admin.signup("named", "named@leaderboard.test", "Ada Lovelace", null).getId();
            stack.db().update(SIGNUP).set(SIGNUP.LEADERBOARD_NAME, "Ada L.").where(SIGNUP.ID.eq(id)).execute();

            assertThat(admin.get(read, "/api/v1/admin/signups/" + id).json().get("leaderboard_name").asText())
                    .isEqualTo("Ada L.");
            String csv = admin.get(read, "/api/v1/admin/signups/export?waitlist=named").body();
            assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",leaderboard_name");
            assertThat(csv.lines().skip(1).findFirst().orElseThrow()).endsWith(",\"Ada L.\"");
        }

        @Test
        void leads_are_listed_by_form_and_one_can_be_read_by_id() {
            stack.http().postJson("/api/v1/forms/contact/submissions",
                    "{\"email\": \"buyer@leads.test\", \"message\": \"Pricing?\"}");
            JsonNode page = admin.get(read, "/api/v1/admin/leads?form=contact&email_contains=leads.test").json();
            assertThat(emails(page)).containsExactly("buyer@leads.test");
            long id = page.at("/items/0/id").asLong();
            assertThat(admin.get(read, "/api/v1/admin/leads/" + id).json().get("message").asText()).isEqualTo("Pricing?");
            assertThat(emails(admin.get(read, "/api/v1/admin/leads?form=other&email_contains=leads.test").json())).isEmpty();
        }
    }

    @Nested
    class Actions {
        @Test
        void resend_queues_the_funnels_confirmation_mail_which_arrives_and_is_audited() {
            stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"slow-reader@resend.test\"}");
            stack.awaitMailTo("slow-reader@resend.test", "Confirm");
            long id = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq("slow-reader@resend.test"));

            Http.Response resent = admin.post(write, "/api/v1/admin/signups/" + id + "/resend-confirmation");

            assertThat(resent.status()).isEqualTo(202);
            dev.launchline.support.Eventually.get(() -> java.util.Optional.of(stack.mailTo("slow-reader@resend.test"))
                    .filter(mails -> mails.size() == 2), java.time.Duration.ofSeconds(15));
            assertThat(stack.mailTo("slow-reader@resend.test")).allMatch(mail -> mail.subject().contains("Confirm"));
            assertThat(stack.db().fetchOne(ADMIN_AUDIT, ADMIN_AUDIT.TARGET.eq("signup:" + id)))
                    .satisfies(entry -> {
                        assertThat(entry.getAction()).isEqualTo("signup.resend_confirmation");
                        assertThat(entry.getTokenName()).isEqualTo("ops-write");
                        assertThat(entry.getClientIp()).startsWith("198.51.");
                        assertThat(entry.getRequestId()).isEqualTo(resent.header("X-Request-Id"));
                    });
        }

        @Test
        void resend_to_a_confirmed_signup_is_409_and_sends_nothing() {
            long id = admin.signup("launch", "done@resend.test", null, OffsetDateTime.now()).getId();
            Http.Response response = admin.post(write, "/api/v1/admin/signups/" + id + "/resend-confirmation");
            assertThat(response.status()).isEqualTo(409);
            assertThat(response.json().at("/error/code").asText()).isEqualTo("already_confirmed");
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.SIGNUP_ID.eq(id))).isZero();
        }

        @Test
        void mark_invited_sets_the_time_once_shows_as_invited_and_is_audited() {
            long id = admin.signup("launch", "vip@invite.test", null, OffsetDateTime.now()).getId();
            JsonNode first = admin.post(write, "/api/v1/admin/signups/" + id + "/invite").json();
            JsonNode second = admin.post(write, "/api/v1/admin/signups/" + id + "/invite").json();
            assertThat(first.get("status").asText()).isEqualTo("invited");
            assertThat(second.get("invited_at").asText()).isEqualTo(first.get("invited_at").asText());
            assertThat(stack.db().fetchCount(ADMIN_AUDIT, ADMIN_AUDIT.ACTION.eq("signup.mark_invited")
                    .and(ADMIN_AUDIT.TARGET.eq("signup:" + id)))).isEqualTo(2);
            assertThat(admin.post(write, "/api/v1/admin/signups/999999999/invite").status()).isEqualTo(404);
        }

        @Test
        void a_change_whose_audit_entry_cannot_be_written_is_not_made_either() {
            long id = admin.signup("launch", "atomic@audit.test", null, OffsetDateTime.now()).getId();
            // a real failure inside PostgreSQL at the moment the audit row is inserted
            stack.db().execute("""
                    create function refuse_audit() returns trigger language plpgsql as $$
                    begin raise exception 'audit refused'; end $$;
                    create trigger refuse_audit before insert on admin_audit
                        for each row execute function refuse_audit();
                    """);
            try {
                assertThat(admin.post(write, "/api/v1/admin/signups/" + id + "/invite").status()).isEqualTo(500);
                assertThat(admin.delete(write, "/api/v1/admin/signups/" + id).status()).isEqualTo(500);
            } finally {
                stack.db().execute("drop trigger refuse_audit on admin_audit; drop function refuse_audit()");
            }
            var signup = stack.db().fetchOne(SIGNUP, SIGNUP.ID.eq(id));
            assertThat(signup).isNotNull();
            assertThat(signup.getInvitedAt()).isNull();
        }

        @Test
        void erasing_a_signup_removes_the_row_and_its_queued_mail_and_is_audited_without_the_address() {
            stack.stopSmtp(); // the confirmation stays queued
            try {
                stack.http().postJson("/api/v1/waitlists/launch/signups", "{\"email\": \"forget-me@erase.test\"}");
                long id = stack.db().fetchValue(SIGNUP.ID, SIGNUP.EMAIL.eq("forget-me@erase.test"));
                assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.SIGNUP_ID.eq(id))).isEqualTo(1);

                assertThat(admin.delete(write, "/api/v1/admin/signups/" + id).status()).isEqualTo(204);

                assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.ID.eq(id))).isZero();
                assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.RECIPIENT.eq("forget-me@erase.test"))).isZero();
                assertThat(admin.get(read, "/api/v1/admin/signups/" + id).status()).isEqualTo(404);
                assertThat(admin.delete(write, "/api/v1/admin/signups/" + id).status()).isEqualTo(404);
                var entry = stack.db().fetchOne(ADMIN_AUDIT, ADMIN_AUDIT.TARGET.eq("signup:" + id));
                assertThat(entry.getAction()).isEqualTo("signup.erase");
                assertThat(entry.getTarget()).doesNotContain("forget-me");
            } finally {
                stack.startSmtp();
            }
        }

        @Test
        void erasing_a_lead_removes_it_and_is_audited() {
            stack.http().postJson("/api/v1/forms/contact/submissions",
                    "{\"email\": \"erase-lead@erase.test\", \"message\": \"Call me\"}");
            long id = stack.db().fetchValue(LEAD.ID, LEAD.EMAIL.eq("erase-lead@erase.test"));
            assertThat(admin.delete(write, "/api/v1/admin/leads/" + id).status()).isEqualTo(204);
            assertThat(stack.db().fetchCount(LEAD, LEAD.ID.eq(id))).isZero();
            assertThat(stack.db().fetchCount(OUTBOX_EMAIL, OUTBOX_EMAIL.LEAD_ID.eq(id))).isZero();
            assertThat(stack.db().fetchCount(ADMIN_AUDIT, ADMIN_AUDIT.ACTION.eq("lead.erase")
                    .and(ADMIN_AUDIT.TARGET.eq("lead:" + id)))).isEqualTo(1);
        }

        @Test
        void the_audit_log_is_readable_with_a_read_token_newest_first() {
            long id = admin.signup("launch", "audited@audit.test", null, OffsetDateTime.now()).getId();
            admin.post(write, "/api/v1/admin/signups/" + id + "/invite");
            JsonNode log = admin.get(read, "/api/v1/admin/audit?limit=5").json();
            JsonNode newest = log.at("/items/0");
            assertThat(newest.get("action").asText()).isEqualTo("signup.mark_invited");
            assertThat(newest.get("target").asText()).isEqualTo("signup:" + id);
            assertThat(newest.get("token_name").asText()).isEqualTo("ops-write");
            assertThat(newest.has("client_ip")).isTrue();
            assertThat(newest.has("request_id")).isTrue();
            assertThat(newest.has("created_at")).isTrue();
        }
    }
}
