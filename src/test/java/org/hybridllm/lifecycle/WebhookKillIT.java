package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.webhook.WebhookController;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Finding 5 of the hardening issue, with a real crash: the app (a child JVM) halts once a {@code run.start}
 * delivery is recorded and before its answer leaves ({@code lifecycle.faults.halt-after-webhook-events}), so the
 * sender sees the connection drop. Restarted, the app answers the sender's retry with the first answer — not 409
 * "in progress" for ever — and the delivery started exactly one run, which the dispatcher starts.
 */
class WebhookKillIT {

    static final String CI_SECRET = "ci-test-secret";

    private SingleConnectionDataSource connection;
    private final JdbcClient jdbc = jdbc();
    private ChildApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        connection.destroy();
    }

    @Test
    void aDeliveryRecordedButNeverAnsweredIsAnsweredOnceAfterTheRestart() {
        String key = "kill-" + UUID.randomUUID();
        String body = "{\"type\":\"run.start\",\"id\":\"" + key + "\",\"data\":{\"useCase\":\""
                + SampleDataLoader.USE_CASE + "\"}}";
        app = ChildApp.start("webhook-kill-1", Map.of("lifecycle.faults.halt-after-webhook-events", "run.start",
                "spring.datasource.hikari.maximum-pool-size", "8"));
        assertThatThrownBy(() -> app.send(delivery(body))).as("the connection drops: the app died before answering")
                .isInstanceOf(UncheckedIOException.class);
        assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
        assertThat(jdbc.sql("select count(*) from webhook_delivery where idempotency_key = ? and status_code = 202")
                .param(key).query(Long.class).single()).as("recorded, with its answer, before the halt").isEqualTo(1);

        app = ChildApp.start("webhook-kill-2", Map.of("spring.datasource.hikari.maximum-pool-size", "8"));
        HttpResponse<String> retried = app.send(delivery(body));
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        UUID runId = UUID.fromString(retried.body().replaceAll(".*\"runId\":\"([^\"]+)\".*", "$1"));
        assertThat(app.send(delivery(body)).body()).isEqualTo(retried.body());

        assertThat(jdbc.sql("select count(*) from webhook_delivery where idempotency_key = ?").param(key)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from run_start_request where run_id = ?").param(runId)
                .query(Long.class).single()).isEqualTo(1);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!"RUNNING".equals(status(runId)) && !"AWAITING_APPROVAL".equals(status(runId))) {
            assertThat(Instant.now()).as("the queued run is dispatched after the restart: " + status(runId))
                    .isBefore(deadline);
            LifecycleApi.sleep(200);
        }
        assertThat(jdbc.sql("select count(*) from lifecycle_run where id = ? and process_instance_key is not null")
                .param(runId).query(Long.class).single()).isEqualTo(1);
    }

    private String status(UUID runId) {
        return jdbc.sql("select status from lifecycle_run where id = ?").param(runId).query(String.class).single();
    }

    private HttpRequest delivery(String body) {
        String now = String.valueOf(Instant.now().getEpochSecond());
        return app.request(null, "/api/webhooks/ci")
                .header("Content-Type", "application/json")
                .header(WebhookController.TIMESTAMP_HEADER, now)
                .header(WebhookController.SIGNATURE_HEADER,
                        WebhookSignature.sign(CI_SECRET, now, body.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private JdbcClient jdbc() {
        TestDatabase.Connection db = TestDatabase.get();
        return JdbcClient.create(connection = new SingleConnectionDataSource(db.url(), db.user(), db.password(), true));
    }
}
