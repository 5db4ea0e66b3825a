package dev.launchline.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jooq.JSONB;

/** Values for jsonb columns (custom fields), serialized once here for every repository. */
public final class Jsonb {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Jsonb() {
    }

    public static JSONB of(Object value) {
        try {
            return JSONB.valueOf(JSON.writeValueAsString(value));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
