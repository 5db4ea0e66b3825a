package dev.launchline.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.launchline.support.LaunchlineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests Jetty refuses before Javalin sees them, sent as raw bytes (an HTTP client would not
 * send most of them): the documented error shape, never Jetty's HTML page.
 */
class JettyErrorsTest {
    @RegisterExtension
    static final LaunchlineExtension stack = LaunchlineExtension.withDefaults();

    @Test
    void a_malformed_uri_gets_400_in_the_error_shape() throws IOException {
        assertErrorShape(send("GET /%zz/..%2f..%2fetc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "bad_request");
    }

    @Test
    void an_overlong_uri_gets_414_in_the_error_shape() throws IOException {
        String uri = "/api/v1/status?token=" + "a".repeat(20_000);
        assertErrorShape(send("GET " + uri + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 414, "uri_too_long");
    }

    @Test
    void overlong_headers_get_431_in_the_error_shape() throws IOException {
        String cookie = "Cookie: " + "c".repeat(20_000) + "\r\n";
        assertErrorShape(send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + cookie + "\r\n"), 431, "headers_too_large");
    }

    private static void assertErrorShape(String response, int status, String code) throws IOException {
        int split = response.indexOf("\r\n\r\n");
        assertThat(split).as(response).isPositive();
        String head = response.substring(0, split);
        String body = response.substring(split + 4);
        assertThat(head).startsWith("HTTP/1.1 " + status + " ");
        assertThat(head.toLowerCase()).contains("content-type: application/json");
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(json.at("/error/code").asText()).isEqualTo(code);
        assertThat(json.at("/error/message").asText()).isNotBlank();
        assertThat(body).doesNotContain("<html", "aaaaaaaa", "cccccccc", "%zz");
    }

    private static String send(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", stack.service().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes(); // Jetty closes the connection after these errors
            return new String(all, StandardCharsets.UTF_8);
        }
    }
}
