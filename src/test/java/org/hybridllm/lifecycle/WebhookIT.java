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
import java.util.concurrent.CompletableFuture;
import org.hybridllm.lifecycle.run.RunService;
import org.hybridllm.lifecycle.run.RunStatus;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The signed webhook over real HTTP: authentication, replay window, idempotency (also concurrent), answers. */
@AppTest
class WebhookIT {

    static final String CI_SECRET = "ci-test-secret";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    RunService runs;

    final HttpClient http = HttpClient.newHttpClient();

    /**
     * The runs a delivery started are not followed here: cancelled, so that they do not go on training in the app
     * that the next class shares (and registering artifacts there while it counts them).
     */
    @AfterEach
    void cancelTheStartedRuns() {
        List<UUID> open = jdbc.sql(
                        "select id from lifecycle_run where started_by = 'webhook:ci' and status in (?, ?, ?, ?)")
                .params(RunStatus.QUEUED.name(), RunStatus.RUNNING.name(), RunStatus.AWAITING_APPROVAL.name(),
                        RunStatus.AWAITING_CHANGES.name())
                .query(UUID.class).list();
        open.forEach(runId -> runs.cancel(runId, "engineer", "not followed by the test"));
    }

    @Test
    void aSignedDeliveryStartsOneRunAndARetriedOneGetsTheFirstAnswer() throws Exception {
        String body = "{\"type\":\"run.start\",\"id\":\"evt-" + UUID.randomUUID() + "\",\"data\":{\"useCase\":\""
                + SampleDataLoader.USE_CASE + "\"}}";
        String now = String.valueOf(Instant.now().getEpochSecond());
        HttpResponse<String> first = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), null, body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(first.body()).contains("runId");
        HttpResponse<String> again = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), null, body);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        String runId = first.body().replaceAll(".*\"runId\":\"([^\"]+)\".*", "$1");
        assertThat(jdbc.sql("select started_by from lifecycle_run where id = ?").param(UUID.fromString(runId))
                .query(String.class).single()).isEqualTo("webhook:ci");
    }

    @Test
    void aRunStartIsAnsweredQueuedAtOnceAndTheDispatcherThenRunsItInOneInstance() throws Exception {
        String body = runStart("evt-" + UUID.randomUUID());
        String now = String.valueOf(Instant.now().getEpochSecond());
        HttpResponse<String> accepted = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), null,
                body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.body()).contains("\"status\":\"QUEUED\"");
        UUID runId = runIdOf(accepted);

        // the dispatcher creates the instance, records its key with the request, and the run's first job runs
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (jdbc.sql("select count(*) from run_stage where run_id = ?").param(runId).query(Long.class).single()
                == 0) {
            assertThat(Instant.now()).as("the queued run's first stage").isBefore(deadline);
            LifecycleApi.sleep(100);
        }
        Long instanceKey = jdbc.sql("select process_instance_key from lifecycle_run where id = ?").param(runId)
                .query(Long.class).single();
        assertThat(instanceKey).isNotNull();
        assertThat(jdbc.sql("select status from lifecycle_run where id = ?").param(runId).query(String.class)
                .single()).isNotEqualTo(RunStatus.QUEUED.name());
        assertThat(jdbc.sql("""
                        select process_instance_key from run_start_request
                        where run_id = ? and dispatched_at is not null and attempts = 1""")
                .param(runId).query(Long.class).single()).isEqualTo(instanceKey);
        assertThat(jdbc.sql("select count(*) from audit_event where run_id = ? and action = ?")
                .params(runId, "DUPLICATE_INSTANCE_CANCELLED").query(Long.class).single()).isZero();
    }

    @Test
    void theSameIdempotencyKeyWithADifferentBodyIsRefusedNamingWhereTheKeyCameFrom() throws Exception {
        String key = "evt-" + UUID.randomUUID();
        String now = String.valueOf(Instant.now().getEpochSecond());
        String body = runStart(key);
        HttpResponse<String> first = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), null, body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        long runsBefore = countRuns();

        String other = body.replace("}}", "},\"note\":\"another body\"}");
        HttpResponse<String> byId = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(other)), null,
                other);
        assertThat(byId.statusCode()).as(byId.body()).isEqualTo(422);
        assertThat(byId.body()).contains("\"field\":\"id\"", "webhook-idempotency-key-reused");

        String headerKey = "hdr-" + UUID.randomUUID();
        HttpResponse<String> firstByHeader = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)),
                headerKey, body);
        assertThat(firstByHeader.statusCode()).as(firstByHeader.body()).isEqualTo(202);
        HttpResponse<String> byHeader = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(other)),
                headerKey, other);
        assertThat(byHeader.statusCode()).as(byHeader.body()).isEqualTo(422);
        assertThat(byHeader.body()).contains("\"field\":\"Idempotency-Key\"");
        // the same body again is still a replay of the first answer
        HttpResponse<String> replayed = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)),
                headerKey, body);
        assertThat(replayed.statusCode()).isEqualTo(202);
        assertThat(replayed.body()).isEqualTo(firstByHeader.body());
        assertThat(countRuns() - runsBefore).isEqualTo(1);
    }

    /** A crash between recording a delivery and answering it leaves its key unanswered: taken over after the lease. */
    @Test
    void aDeliveryLeftUnansweredIsTakenOverOnceItsLeaseHasPassed() throws Exception {
        String key = "evt-" + UUID.randomUUID();
        String body = runStart(key);
        jdbc.sql("""
                        insert into webhook_delivery (source, idempotency_key, event_type, request_sha256, claimed_at)
                        values ('ci', ?, 'run.start', encode(sha256(convert_to(?, 'UTF8')), 'hex'),
                                now() - interval '31 seconds')""")
                .params(key, body).update();
        long runsBefore = countRuns();
        String now = String.valueOf(Instant.now().getEpochSecond());
        HttpResponse<String> takenOver = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), null,
                body);
        assertThat(takenOver.statusCode()).as(takenOver.body()).isEqualTo(202);
        assertThat(takenOver.body()).contains("\"status\":\"QUEUED\"");
        assertThat(countRuns() - runsBefore).isEqualTo(1);
        HttpResponse<String> replayed = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), null,
                body);
        assertThat(replayed.body()).isEqualTo(takenOver.body());
        assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");

        // a delivery from before V24 (no body hash) is taken over too
        String legacyKey = "evt-" + UUID.randomUUID();
        jdbc.sql("""
                        insert into webhook_delivery (source, idempotency_key, event_type, claimed_at)
                        values ('ci', ?, 'run.start', now() - interval '1 hour')""")
                .param(legacyKey).update();
        String legacy = runStart(legacyKey);
        HttpResponse<String> legacyTakenOver = send("ci", now, WebhookSignature.sign(CI_SECRET, now,
                bytes(legacy)), null, legacy);
        assertThat(legacyTakenOver.statusCode()).as(legacyTakenOver.body()).isEqualTo(202);
        assertThat(countRuns() - runsBefore).isEqualTo(2);
    }

    @Test
    void fiftyConcurrentDeliveriesWithOneIdempotencyKeyStartExactlyOneRun() {
        String key = "concurrent-" + UUID.randomUUID();
        String body = "{\"type\":\"run.start\",\"id\":\"" + key + "\",\"data\":{\"useCase\":\""
                + SampleDataLoader.USE_CASE + "\"}}";
        long runsBefore = countRuns();
        List<CompletableFuture<HttpResponse<String>>> deliveries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String now = String.valueOf(Instant.now().getEpochSecond());
            deliveries.add(sendAsync("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), key, body));
        }
        List<HttpResponse<String>> answers = deliveries.stream().map(CompletableFuture::join).toList();
        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(202);
        assertThat(answers).extracting(HttpResponse::body).containsOnly(answers.get(0).body());
        assertThat(countRuns() - runsBefore).isEqualTo(1);
    }

    @Test
    void badRequestsGetTheRightStatusAndLeaveNoRowButAnAuditEntry() throws Exception {
        long runsBefore = countRuns();
        long deliveriesBefore = jdbc.sql("select count(*) from webhook_delivery").query(Long.class).single();
        long auditBefore = jdbc.sql("select count(*) from audit_event where action = 'WEBHOOK_REJECTED'")
                .query(Long.class).single();
        String body = "{\"type\":\"run.start\",\"id\":\"evt-bad\",\"data\":{\"useCase\":\"" + SampleDataLoader.USE_CASE
                + "\"}}";
        String now = String.valueOf(Instant.now().getEpochSecond());
        String stale = String.valueOf(Instant.now().minusSeconds(600).getEpochSecond());
        String future = String.valueOf(Instant.now().plusSeconds(600).getEpochSecond());

        assertThat(send("ci", now, WebhookSignature.sign("wrong-secret", now, bytes(body)), null, body).statusCode())
                .isEqualTo(401);
        assertThat(send("ci", null, null, null, body).statusCode()).isEqualTo(401);
        assertThat(send("ci", now, null, null, body).statusCode()).isEqualTo(401);
        assertThat(send("ci", stale, WebhookSignature.sign(CI_SECRET, stale, bytes(body)), null, body).statusCode())
                .isEqualTo(401);
        assertThat(send("ci", future, WebhookSignature.sign(CI_SECRET, future, bytes(body)), null, body).statusCode())
                .isEqualTo(401);
        assertThat(send("nobody", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), null, body).statusCode())
                .isEqualTo(404);
        String malformed = "{\"type\":\"run.start\",\"id\":\"x\",\"data\":{}}";
        HttpResponse<String> missingField = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(malformed)),
                null, malformed);
        assertThat(missingField.statusCode()).isEqualTo(400);
        assertThat(missingField.body()).contains("\"field\":\"data.useCase\"");
        String notJson = "not json";
        assertThat(send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(notJson)), null, notJson).statusCode())
                .isEqualTo(400);
        String drift = "{\"type\":\"drift.alert\",\"id\":\"d1\",\"data\":{\"useCase\":\"" + SampleDataLoader.USE_CASE
                + "\"}}";
        assertThat(send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(drift)), null, drift).statusCode())
                .isEqualTo(422);
        String huge = "{\"type\":\"run.start\",\"id\":\"big\",\"pad\":\"" + "x".repeat(300_000) + "\"}";
        assertThat(send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(huge)), null, huge).statusCode())
                .isEqualTo(413);

        assertThat(countRuns()).isEqualTo(runsBefore);
        assertThat(jdbc.sql("select count(*) from webhook_delivery").query(Long.class).single())
                .isEqualTo(deliveriesBefore);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'WEBHOOK_REJECTED'").query(Long.class)
                .single() - auditBefore).isEqualTo(10);
    }

    @Test
    void aFeedbackBatchIsStoredOnceAllOrNothing() throws Exception {
        String secret = "feedback-test-secret";
        String key = "fb-" + UUID.randomUUID();
        String body = "{\"type\":\"feedback.batch\",\"id\":\"" + key + "\",\"data\":{\"useCase\":\""
                + SampleDataLoader.USE_CASE + "\",\"items\":["
                + "{\"externalId\":\"" + key + "-1\",\"input\":\"I was charged twice\",\"output\":\"billing\","
                + "\"rating\":1},"
                + "{\"externalId\":\"" + key + "-2\",\"input\":\"cannot log in\",\"output\":\"billing\","
                + "\"rating\":-1,\"correctedOutput\":\"account_access\"}]}}";
        long feedbackBefore = count("feedback");
        String now = String.valueOf(Instant.now().getEpochSecond());
        HttpResponse<String> first = send("feedback", now, WebhookSignature.sign(secret, now, bytes(body)), null,
                body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(first.body()).contains("\"items\":2", "\"interactionsCreated\":2");
        HttpResponse<String> retried = send("feedback", now, WebhookSignature.sign(secret, now, bytes(body)), null,
                body);
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(count("feedback") - feedbackBefore).isEqualTo(2);
        assertThat(jdbc.sql("select created_by from feedback f join interaction i on i.id = f.interaction_id "
                + "where i.external_id = ?").param(key + "-2").query(String.class).single()).isEqualTo("webhook:feedback");

        // one bad item: 400 naming it, nothing stored, no delivery recorded
        String bad = body.replace(key, key + "-bad").replace("\"rating\":-1", "\"rating\":3");
        long deliveries = count("webhook_delivery");
        HttpResponse<String> refused = send("feedback", now, WebhookSignature.sign(secret, now, bytes(bad)), null, bad);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"data.items[1].rating\"");
        assertThat(count("feedback") - feedbackBefore).isEqualTo(2);
        assertThat(count("webhook_delivery")).isEqualTo(deliveries);
        // the ci source may not send feedback
        assertThat(send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(body)), null, body).statusCode())
                .isEqualTo(422);
    }

    /** U+0000 or an unpaired surrogate anywhere in an event: 400 naming the field, no delivery, nothing stored. */
    @Test
    void textPostgresCannotStoreIsRefusedNamingTheFieldAndStoresNothing() throws Exception {
        String secret = "feedback-test-secret";
        String key = "fb-nul-" + UUID.randomUUID();
        String item = "{\"externalId\":\"" + key + "-1\",\"input\":\"charged twice\",\"output\":\"billing\","
                + "\"rating\":-1,\"comment\":\"COMMENT\"}";
        String batch = "{\"type\":\"feedback.batch\",\"id\":\"" + key + "\",\"data\":{\"useCase\":\""
                + SampleDataLoader.USE_CASE + "\",\"items\":[ITEMS]}}";
        long feedbackBefore = count("feedback");
        long interactionsBefore = count("interaction");
        long deliveries = count("webhook_delivery");
        long auditBefore = jdbc.sql("select count(*) from audit_event where action = 'WEBHOOK_REJECTED'")
                .query(Long.class).single();
        String now = String.valueOf(Instant.now().getEpochSecond());

        String nul = batch.replace("ITEMS", item.replace("COMMENT", "wrong queue\\u0000!"));
        HttpResponse<String> refused = send("feedback", now, WebhookSignature.sign(secret, now, bytes(nul)), null, nul);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(refused.body()).contains("\"field\":\"data.items[0].comment\"",
                "https://hybridllm.org/problems/invalid-request", "U+0000");

        String surrogate = batch.replace("ITEMS", item.replace("COMMENT", "fine") + ","
                + item.replace(key + "-1", key + "-2").replace("charged twice", "charged \\ud83d twice"));
        refused = send("feedback", now, WebhookSignature.sign(secret, now, bytes(surrogate)), null, surrogate);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"data.items[1].input\"", "unpaired surrogate U+D83D");

        String run = "{\"type\":\"run.start\",\"id\":\"" + key + "\",\"data\":{\"useCase\":\"x\\u0000\"}}";
        refused = send("ci", now, WebhookSignature.sign(CI_SECRET, now, bytes(run)), null, run);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"data.useCase\"");

        assertThat(count("feedback")).isEqualTo(feedbackBefore);
        assertThat(count("interaction")).isEqualTo(interactionsBefore);
        assertThat(count("webhook_delivery")).isEqualTo(deliveries);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'WEBHOOK_REJECTED'").query(Long.class)
                .single() - auditBefore).isEqualTo(3);

        // the same batch with storable text is accepted (a pair of surrogates, an emoji, is fine)
        String fine = batch.replace("ITEMS", item.replace("COMMENT", "wrong queue \\ud83d\\ude00"));
        HttpResponse<String> accepted = send("feedback", now, WebhookSignature.sign(secret, now, bytes(fine)), null,
                fine);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(jdbc.sql("select f.comment from feedback f join interaction i on i.id = f.interaction_id"
                + " where i.external_id = ?").param(key + "-1").query(String.class).single())
                .isEqualTo("wrong queue \ud83d\ude00");
    }

    @Test
    void aFineTuneCallbackForAnUnknownJobIsRefusedAndForAKnownOneIsCorrelated() throws Exception {
        String secret = "fine-tuning-test-secret";
        String now = String.valueOf(Instant.now().getEpochSecond());
        String unknown = "{\"type\":\"fine_tune.callback\",\"id\":\"cb-" + UUID.randomUUID()
                + "\",\"data\":{\"jobId\":\"ftjob-nope\",\"status\":\"succeeded\"}}";
        long deliveries = count("webhook_delivery");
        HttpResponse<String> refused = send("fine-tuning", now, WebhookSignature.sign(secret, now, bytes(unknown)),
                null, unknown);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("webhook-fine-tune-job-unknown");
        String missing = "{\"type\":\"fine_tune.callback\",\"id\":\"cb-x\",\"data\":{}}";
        HttpResponse<String> noJobId = send("fine-tuning", now, WebhookSignature.sign(secret, now, bytes(missing)),
                null, missing);
        assertThat(noJobId.statusCode()).isEqualTo(400);
        assertThat(noJobId.body()).contains("\"field\":\"data.jobId\"");
        assertThat(count("webhook_delivery")).isEqualTo(deliveries);

        // a job the app knows (its run need not be waiting: the message is buffered for the fine-tune stage)
        UUID runId = UUID.randomUUID();
        jdbc.sql("insert into lifecycle_run (id, use_case_id, status, started_by) "
                + "select ?, id, 'CANCELLED', 'test' from use_case where key = ?")
                .params(runId, SampleDataLoader.USE_CASE).update();
        long artifactId = jdbc.sql("insert into artifact (kind, uri, sha256, bytes, run_id) values "
                + "('DATASET_SPLIT', 'file:///dev/null', repeat('0', 64), 0, ?) returning id").param(runId)
                .query(Long.class).single();
        jdbc.sql("""
                insert into dataset_version (use_case_id, run_id, version, sha256, train_artifact_id,
                    validation_artifact_id, test_artifact_id, train_rows, validation_rows, test_rows, candidates,
                    duplicates_removed, pii_items_scrubbed, label_distribution, split_seed)
                select use_case_id, ?, 1000 + (select count(*) from dataset_version), repeat('0', 64), ?, ?, ?,
                       0, 0, 0, 0, 0, 0, '{}', 1
                from lifecycle_run where id = ?""")
                .params(runId, artifactId, artifactId, artifactId, runId).update();
        String jobId = "ftjob-" + UUID.randomUUID();
        jdbc.sql("""
                insert into fine_tune_job (run_id, dataset_version_id, provider, base_model, hyperparameters,
                    external_id, status)
                select ?, id, 'openai', 'gpt-4o-mini', '{}', ?, 'RUNNING' from dataset_version where run_id = ?""")
                .params(runId, jobId, runId).update();
        String known = "{\"type\":\"fine_tune.callback\",\"id\":\"cb-" + UUID.randomUUID()
                + "\",\"data\":{\"jobId\":\"" + jobId + "\",\"status\":\"succeeded\"}}";
        HttpResponse<String> accepted = send("fine-tuning", now, WebhookSignature.sign(secret, now, bytes(known)),
                null, known);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.body()).contains("\"runId\":\"" + runId + "\"", "\"correlated\":\"fine-tune-callback\"");
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'FINE_TUNE_CALLBACK' and run_id = ?")
                .param(runId).query(Long.class).single()).isEqualTo(1);
    }

    private static String runStart(String id) {
        return "{\"type\":\"run.start\",\"id\":\"" + id + "\",\"data\":{\"useCase\":\""
                + SampleDataLoader.USE_CASE + "\"}}";
    }

    private static UUID runIdOf(HttpResponse<String> answer) {
        return UUID.fromString(answer.body().replaceAll(".*\"runId\":\"([^\"]+)\".*", "$1"));
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }

    private long countRuns() {
        return jdbc.sql("select count(*) from lifecycle_run").query(Long.class).single();
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(String source, String timestamp, String signature, String key, String body)
            throws Exception {
        return http.send(request(source, timestamp, signature, key, body), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String source, String timestamp, String signature,
                                                              String key, String body) {
        return http.sendAsync(request(source, timestamp, signature, key, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String source, String timestamp, String signature, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/webhooks/" + source))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (timestamp != null) {
            request.header("X-Lifecycle-Timestamp", timestamp);
        }
        if (signature != null) {
            request.header("X-Lifecycle-Signature", signature);
        }
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.build();
    }
}
