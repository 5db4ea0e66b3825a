package dev.launchline.admin;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.launchline.support.Http;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.launchline.db.schema.Tables.ADMIN_AUDIT;
import static dev.launchline.db.schema.Tables.SIGNUP;
import static org.assertj.core.api.Assertions.assertThat;

/** CSV exports: exact cells whatever people typed, no spreadsheet formulas, and streamed. */
class AdminExportTest {
    private static final CsvMapper CSV = new CsvMapper();

    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.with(AdminClient.TRUSTING_LOCALHOST);
    private static AdminClient admin;
    private static String read;

    @BeforeAll
    static void issueAReadToken() {
        admin = new AdminClient(stack.testStack());
        read = admin.issue("exporter", "read");
    }

    private static List<String[]> parse(String csv) throws IOException {
        try (MappingIterator<String[]> rows = CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                .readValues(new StringReader(csv))) {
            return rows.readAll();
        }
    }

    @Test
    void cells_with_quotes_commas_newlines_and_non_ascii_survive_the_round_trip() throws IOException {
        String awkward = "O'Brien, \"Bob\"\nsecond line; Zoë 日本 🚀";
        admin.signup("awkward", "awkward@export.test", awkward, null);

        Http.Response response = admin.get(read, "/api/v1/admin/signups/export?waitlist=awkward");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/csv").contains("utf-8");
        assertThat(response.header("Content-Disposition")).contains("attachment").contains("signups.csv");
        List<String[]> rows = parse(response.body());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactlyElementsOf(SignupView.CSV_HEADER);
        assertThat(rows.get(1)[SignupView.CSV_HEADER.indexOf("name")]).isEqualTo(awkward);
        assertThat(rows.get(1)[SignupView.CSV_HEADER.indexOf("status")]).isEqualTo("pending");
        assertThat(response.body()).contains("\"O'Brien, \"\"Bob\"\"\nsecond line; Zoë 日本 🚀\"");
    }

    @Test
    void cells_a_spreadsheet_would_run_as_formulas_are_prefixed_with_a_quote() throws IOException {
        List<String> attacks = List.of("=HYPERLINK(\"http://evil.test\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)",
                "\tTAB", "\rCR");
        for (int i = 0; i < attacks.size(); i++) {
            admin.signup("formulas", "formula" + i + "@export.test", attacks.get(i), null);
        }
        admin.signup("formulas", "harmless@export.test", "Ada = Lovelace", null);

        List<String[]> rows = parse(admin.get(read, "/api/v1/admin/signups/export?waitlist=formulas").body());

        int name = SignupView.CSV_HEADER.indexOf("name");
        List<String> names = rows.subList(1, rows.size()).stream().map(row -> row[name]).toList();
        List<String> expected = new ArrayList<>(attacks.stream().map(attack -> "'" + attack).toList());
        expected.add("Ada = Lovelace");
        assertThat(names).containsExactlyElementsOf(expected);
    }

    @Test
    void a_hundred_thousand_signups_stream_out_with_the_right_row_count() throws Exception {
        stack.db().execute("""
                insert into signup (waitlist, email, email_key, referral_code, created_at)
                select 'bulk', 'person' || n || '@bulk.test', 'person' || n || '@bulk.test', 'bulk-' || n, now()
                  from generate_series(1, 100000) as n
                """);

        HttpResponse<InputStream> response = admin.stream(read, "/api/v1/admin/signups/export?waitlist=bulk");

        assertThat(response.statusCode()).isEqualTo(200);
        // Jetty streams what it has written so far: no Content-Length, chunked as the cursor is read
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        long rows = 0;
        String last = null;
        try (InputStream body = response.body();
             MappingIterator<String[]> csv = CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                     .readValues(body)) {
            while (csv.hasNext()) {
                last = csv.next()[SignupView.CSV_HEADER.indexOf("email")];
                rows++;
            }
        }
        assertThat(rows).isEqualTo(100_000 + 1); // and the header
        assertThat(last).isEqualTo("person100000@bulk.test"); // oldest first, all the way to the end
    }

    @Test
    void downloads_abandoned_midway_give_their_database_connection_back() throws Exception {
        stack.db().execute("""
                insert into signup (waitlist, email, email_key, referral_code, created_at)
                select 'abandoned', 'quitter' || n || '@bulk.test', 'quitter' || n || '@bulk.test', 'quit-' || n, now()
                  from generate_series(1, 30000) as n
                """);
        int moreThanThePool = Integer.parseInt(stack.env().get("DATABASE_POOL_SIZE")) + 2;
        for (int i = 0; i < moreThanThePool; i++) {
            HttpResponse<InputStream> response = admin.stream(read, "/api/v1/admin/signups/export?waitlist=abandoned");
            try (InputStream body = response.body()) {
                assertThat(body.readNBytes(1000)).hasSize(1000);
            } // closed with most of the file unread
        }
        assertThat(admin.get(read, "/api/v1/admin/signups?waitlist=abandoned&limit=1").status()).isEqualTo(200);
    }

    @Test
    void an_export_is_audited_with_its_filters() {
        Http.Response response = admin.get(read, "/api/v1/admin/signups/export?waitlist=audited&status=pending");
        assertThat(response.status()).isEqualTo(200);
        var entry = stack.db().fetchOne(ADMIN_AUDIT, ADMIN_AUDIT.REQUEST_ID.eq(response.header("X-Request-Id")));
        assertThat(entry.getAction()).isEqualTo("signups.export");
        assertThat(entry.getTarget()).isEqualTo("status=pending&waitlist=audited");
        assertThat(entry.getTokenName()).isEqualTo("exporter");
    }

    @Test
    void an_export_with_a_bad_filter_is_a_422_not_a_half_written_file() {
        Http.Response response = admin.get(read, "/api/v1/admin/signups/export?status=vip&limit=5");
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().at("/error/fields").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("status", "limit");
    }

    @Test
    void leads_export_with_their_message_and_custom_fields() throws IOException {
        stack.http().postJson("/api/v1/forms/contact/submissions", """
                {"email": "cfo@leads-export.test", "message": "=cmd|' /C calc'!A0\\nplease call", "budget": "10k, maybe"}
                """);

        Http.Response response = admin.get(read, "/api/v1/admin/leads/export?form=contact&email_contains=leads-export");

        assertThat(response.status()).isEqualTo(200);
        List<String[]> rows = parse(response.body());
        assertThat(rows.get(0)).containsExactlyElementsOf(LeadView.CSV_HEADER);
        assertThat(rows).hasSize(2);
        String[] lead = rows.get(1);
        assertThat(lead[LeadView.CSV_HEADER.indexOf("message")]).isEqualTo("'=cmd|' /C calc'!A0\nplease call");
        assertThat(lead[LeadView.CSV_HEADER.indexOf("custom_fields")]).contains("\"budget\"").contains("10k, maybe");
        assertThat(stack.db().fetchCount(SIGNUP, SIGNUP.EMAIL.eq("cfo@leads-export.test"))).isZero();
    }
}
