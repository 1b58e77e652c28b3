package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Random malformed bodies and headers never produce a 5xx and never leave a run, a delivery or a feedback row. */
class WebhookPropertiesIT {

    static ConfigurableApplicationContext app;
    static JdbcClient jdbc;
    static int port;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeContainer
    static void startApp() {
        app = TestEnvironment.startApp();
        jdbc = app.getBean(JdbcClient.class);
        port = ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterContainer
    static void stopApp() {
        app.close();
    }

    @Property(tries = 150)
    void anyHeadersAndBodyAreAnsweredWithoutA5xxAndChangeNothing(@ForAll("sources") String source,
                                                                 @ForAll("timestamps") String timestamp,
                                                                 @ForAll("signatures") String signature,
                                                                 @ForAll("bodies") String body) throws Exception {
        assertUnchangedAndNo5xx(source, timestamp, signature, body);
    }

    @Property(tries = 200)
    void correctlySignedButMalformedEventsAreRefusedWithout5xx(@ForAll("signedSources") String source,
                                                              @ForAll("bodies") String body) throws Exception {
        String now = String.valueOf(Instant.now().getEpochSecond());
        String secret = switch (source) {
            case "ci" -> WebhookIT.CI_SECRET;
            case "feedback" -> "feedback-test-secret";
            default -> "fine-tuning-test-secret";
        };
        assertUnchangedAndNo5xx(source, now, WebhookSignature.sign(secret, now,
                body.getBytes(StandardCharsets.UTF_8)), body);
    }

    @Provide
    Arbitrary<String> signedSources() {
        return Arbitraries.of("ci", "feedback", "fine-tuning");
    }

    private void assertUnchangedAndNo5xx(String source, String timestamp, String signature, String body)
            throws Exception {
        long before = rows();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/webhooks/" + source)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (timestamp != null) {
            request.header("X-Lifecycle-Timestamp", timestamp);
        }
        if (signature != null) {
            request.header("X-Lifecycle-Signature", signature);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
        assertThat(rows()).isEqualTo(before);
    }

    private static long rows() {
        return jdbc.sql("select (select count(*) from lifecycle_run) + (select count(*) from webhook_delivery)"
                + " + (select count(*) from feedback)").query(Long.class).single();
    }

    @Provide
    Arbitrary<String> sources() {
        return Arbitraries.of("ci", "monitoring", "feedback", "fine-tuning", "unknown", "CI", "ci%20x");
    }

    @Provide
    Arbitrary<String> timestamps() {
        long now = Instant.now().getEpochSecond();
        return Arbitraries.oneOf(Arbitraries.just(null), headerText(20),
                Arbitraries.longs().between(0, now * 2).map(String::valueOf),
                Arbitraries.just(String.valueOf(now)));
    }

    @Provide
    Arbitrary<String> signatures() {
        return Arbitraries.oneOf(Arbitraries.just(null), headerText(80),
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(h -> "sha256=" + h));
    }

    /** Any text an HTTP client can put in a header (visible ASCII). */
    private static Arbitrary<String> headerText(int maxLength) {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(maxLength);
    }

    /**
     * Random text, broken JSON, and JSON events with wrong or missing fields: never a known use case, never a
     * known fine-tuning job, feedback items that are each wrong in some way.
     */
    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> types = Arbitraries.of("run.start", "drift.alert", "feedback.batch", "fine_tune.callback",
                "", "RUN.START").map(t -> "\"" + t + "\"");
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMaxLength(12)
                .map(v -> "\"zz-" + v + "\""), Arbitraries.just("null"), Arbitraries.integers().map(String::valueOf),
                Arbitraries.just("[]"), Arbitraries.just("{}"));
        Arbitrary<String> badItems = Arbitraries.oneOf(values,
                Arbitraries.of("{\"input\":\"x\"}", "{\"useCase\":\"support-ticket-routing\",\"input\":\"x\"}",
                        "{\"useCase\":\"support-ticket-routing\",\"input\":\"x\",\"rating\":7}",
                        "{\"useCase\":\"support-ticket-routing\",\"rating\":1}",
                        "{\"useCase\":\"support-ticket-routing\",\"input\":\"x\",\"correctedOutput\":\"zz\"}",
                        "{\"useCase\":\"support-ticket-routing\",\"interactionId\":-1,\"rating\":1}",
                        "{\"useCase\":\"support-ticket-routing\",\"input\":\"x\",\"rating\":\"up\"}",
                        "{\"useCase\":\"support-ticket-routing\",\"input\":\"x\",\"rating\":1,\"extra\":1}"));
        Arbitrary<String> items = badItems.list().ofMaxSize(3).map(list -> "[" + String.join(",", list) + "]");
        Arbitrary<String> events = Combinators.combine(types, values, values, Arbitraries.oneOf(items, values))
                .as((type, id, useCase, itemList) -> "{\"type\":" + type + ",\"id\":" + id
                        + ",\"data\":{\"useCase\":" + useCase + ",\"jobId\":" + useCase + ",\"items\":" + itemList
                        + "}}");
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200), events,
                events.map(e -> e.substring(0, e.length() / 2)), Arbitraries.just(""), Arbitraries.just("[]"));
    }
}
