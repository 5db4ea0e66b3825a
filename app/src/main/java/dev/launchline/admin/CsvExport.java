package dev.launchline.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.jooq.Cursor;
import org.jooq.JSONB;
import org.jooq.Record;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

/**
 * CSV for spreadsheets and scripts: RFC 4180 quoting by Jackson's CSV module, UTF-8, CRLF
 * line ends, a header row, and every cell that a spreadsheet would run as a formula (starting
 * with = + - @ tab or CR) prefixed with a ' so it shows as text instead (CSV injection, OWASP).
 */
final class CsvExport {
    private static final CsvMapper CSV = new CsvMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private CsvExport() {
    }

    /** A writer of rows to {@code out}; closing it flushes, but leaves {@code out} open. */
    static SequenceWriter open(OutputStream out, List<String> header) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder();
        header.forEach(schema::addColumn);
        return CSV.writerFor(String[].class)
                .with(schema.setUseHeader(true).setLineSeparator("\r\n").build())
                .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValues(out);
    }

    /** Writes every row of the cursor as it is read, then flushes; an {@link IOException} means the client left. */
    static <R extends Record> void write(Cursor<R> rows, OutputStream out, List<String> header, Function<R, List<String>> cells) {
        try (rows; SequenceWriter csv = open(out, header)) {
            for (R row : rows) {
                csv.write(cells(cells.apply(row)));
            }
        } catch (IOException clientGone) {
            throw new UncheckedIOException(clientGone);
        }
    }

    static String[] cells(List<String> values) {
        return values.stream().map(CsvExport::neutralise).toArray(String[]::new);
    }

    static String neutralise(String cell) {
        if (cell == null || cell.isEmpty()) {
            return cell;
        }
        char first = cell.charAt(0);
        boolean formula = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
        return formula ? "'" + cell : cell;
    }

    static String text(Object value) {
        if (value instanceof OffsetDateTime time) {
            return time.withOffsetSameInstant(ZoneOffset.UTC).toString();
        }
        return value == null ? null : value.toString();
    }

    static JsonNode json(JSONB value) {
        try {
            return JSON.readTree(value == null ? "{}" : value.data());
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("jsonb column held invalid JSON", impossible);
        }
    }
}
