package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hybridllm.lifecycle.run.RunService;
import org.hybridllm.lifecycle.run.RunStatus;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.webhook.WebhookController;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The webhook's outbox across a restart: runs accepted (202 QUEUED) by an app that never dispatched them — as if
 * it stopped right after answering — are each started exactly once by the next app, from its start-up on.
 */
class WebhookRestartIT {

    static final String USE_CASE = "tickets-webhook-restart";
    static final int DELIVERIES = 12;

    @Test
    void runsQueuedBeforeARestartAreEachDispatchedOnceAfterIt() throws Exception {
        List<UUID> queued = new ArrayList<>();
        String prefix = "restart-" + UUID.randomUUID() + "-";
        try (ConfigurableApplicationContext first = TestEnvironment.startApp("lifecycle.run-dispatcher.enabled=false",
                "camunda.client.worker.defaults.enabled=false")) {
            first.getBean(SampleDataLoader.class).loadInto(USE_CASE);
            for (int i = 0; i < DELIVERIES; i++) {
                HttpResponse<String> accepted = deliver(first, prefix + i);
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                assertThat(accepted.body()).contains("\"status\":\"QUEUED\"");
                queued.add(UUID.fromString(accepted.body().replaceAll(".*\"runId\":\"([^\"]+)\".*", "$1")));
            }
            // a retry of one of them before the restart starts nothing more
            assertThat(deliver(first, prefix + 0).headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(statuses(first.getBean(JdbcClient.class), queued)).containsOnly(RunStatus.QUEUED.name());
        } // stopped with every run still queued

        try (ConfigurableApplicationContext second = TestEnvironment.startApp(
                "camunda.client.worker.defaults.enabled=false")) {
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (!statuses(jdbc, queued).equals(List.of(RunStatus.RUNNING.name()))) {
                assertThat(Instant.now()).as("every queued run dispatched: " + statuses(jdbc, queued))
                        .isBefore(deadline);
                LifecycleApi.sleep(100);
            }
            for (UUID runId : queued) {
                Long runInstance = jdbc.sql("select process_instance_key from lifecycle_run where id = ?")
                        .param(runId).query(Long.class).single();
                assertThat(jdbc.sql("""
                                select process_instance_key from run_start_request
                                where run_id = ? and dispatched_at is not null and attempts = 1""")
                        .param(runId).query(Long.class).single()).isEqualTo(runInstance).isNotNull();
            }
            assertThat(jdbc.sql("""
                            select count(distinct process_instance_key) from lifecycle_run r
                            join use_case u on u.id = r.use_case_id where u.key = ?""")
                    .param(USE_CASE).query(Long.class).single()).isEqualTo(DELIVERIES);
            assertThat(jdbc.sql("select count(*) from webhook_delivery where idempotency_key like ?")
                    .param(prefix + "%").query(Long.class).single()).isEqualTo(DELIVERIES);
            assertThat(jdbc.sql("""
                            select count(*) from audit_event
                            where action = 'DUPLICATE_INSTANCE_CANCELLED' and run_id = any(?)""")
                    .param(queued.toArray(UUID[]::new)).query(Long.class).single()).isZero();
            RunService runs = second.getBean(RunService.class);
            queued.forEach(runId -> runs.cancel(runId, "engineer", "not followed by the test"));
        }
    }

    private static List<String> statuses(JdbcClient jdbc, List<UUID> runs) {
        return jdbc.sql("select distinct status from lifecycle_run where id = any(?)")
                .param(runs.toArray(UUID[]::new)).query(String.class).list();
    }

    private static HttpResponse<String> deliver(ConfigurableApplicationContext app, String id) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        String secret = app.getEnvironment().getProperty("lifecycle.webhooks.sources.ci.secret");
        byte[] body = ("{\"type\":\"run.start\",\"id\":\"" + id + "\",\"data\":{\"useCase\":\"" + USE_CASE + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/ci"))
                .header("Content-Type", "application/json")
                .header(WebhookController.TIMESTAMP_HEADER, timestamp)
                .header(WebhookController.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
