package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Issue 18, the fault-injection suite: the app runs in a child JVM ({@link ChildApp}) and is killed as the
 * operating system kills it — SIGKILL, or {@code Runtime.halt} from the app's fault-injection hook
 * ({@code lifecycle.faults.halt-after-stages}, off by default) right after a stage's ledger row commits — then
 * restarted on the same database, and its run resumed over the API:
 * <ul>
 *   <li>in the middle of an NDJSON feedback batch and of webhook feedback deliveries (in flight when the first
 *       stage halts the app): every row the API answered 2xx
 *       for is in Postgres, every all-or-nothing batch is wholly there or wholly absent, a re-sent delivery is
 *       stored exactly once;</li>
 *   <li>at every stage boundary of one lifecycle run ({@link #STAGE_BOUNDARIES}, one crash per restart: a
 *       resumed run's recorded stages do not record again, so each restart runs to the next boundary);</li>
 *   <li>right after a reviewer's decision was answered;</li>
 * </ul>
 * and the run still completes (PROMOTED) with exactly one artifact per stage and revision.
 *
 * <p>Each kill point costs a restart of the app (15–50 s on a shared 2-CPU machine); see {@link #STAGE_BOUNDARIES}
 * for how to choose more or fewer.
 */
class FaultInjectionIT {

    /** Every job type that records a ledger row, in the order a fine-tuning run reaches them. */
    static final List<String> RECORDING_JOB_TYPES = List.of(
            "lifecycle.prototype.evaluate-prompts",
            "lifecycle.feedback.summarise",
            "lifecycle.decide.evaluate-champion",
            "lifecycle.decide.record",
            "lifecycle.dataset.build",
            "lifecycle.finetune.submit",
            "lifecycle.finetune.register-model",
            "lifecycle.evaluate.compare",
            "lifecycle.gate.compute",
            "lifecycle.gate.record",
            "lifecycle.promote.set-champion");

    /**
     * The boundary after each stage (each call activity of llm-lifecycle.bpmn: its last recording job), the
     * default kill points; the governance stage's boundary is the reviewer's decision. {@code -Dfaults.stages=all}
     * kills after every recording job, a comma-separated list after those named.
     */
    static final List<String> STAGE_BOUNDARIES = List.of(
            "lifecycle.prototype.evaluate-prompts",
            "lifecycle.feedback.summarise",
            "lifecycle.decide.record",
            "lifecycle.dataset.build",
            "lifecycle.finetune.register-model",
            "lifecycle.evaluate.compare",
            "lifecycle.gate.record",
            "lifecycle.promote.set-champion");

    /**
     * What the suite kills at by default (`-Dfaults.stages` unset): the first boundary (with feedback in flight),
     * the dataset's and the gate's — each app start costs 15–40 s on a 2-CPU machine, and the suite must stay well
     * under 20 minutes. {@code -Dfaults.stages=stages} takes every stage boundary above.
     */
    static final List<String> SUITE_BOUNDARIES = List.of(
            "lifecycle.prototype.evaluate-prompts",
            "lifecycle.dataset.build",
            "lifecycle.gate.record");

    static final String RUN_USE_CASE = SampleDataLoader.USE_CASE;
    /** Feedback goes to another use case, so that it does not change the run's dataset. */
    static final String FEEDBACK_USE_CASE = SampleDataLoader.REPLY_USE_CASE;
    static final String FEEDBACK_SECRET = "feedback-test-secret";
    static final int ACKNOWLEDGED_LINES = 300;
    static final int ITEMS_PER_DELIVERY = 100;
    static final Duration STAGE_TIMEOUT = Duration.ofMinutes(4);

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> boundaries = boundaries();
    private SingleConnectionDataSource connection;
    private final JdbcClient jdbc = jdbc();
    private ChildApp app;
    private int generation;

    @AfterEach
    void stopApp() {
        if (app != null) {
            app.close();
        }
        connection.destroy();
    }

    @Test
    void killedAtEveryBoundaryTheAppLosesNothingDuplicatesNothingAndEveryRunCompletes() throws Exception {
        start();
        acknowledgedBatch();
        FeedbackTraffic traffic = new FeedbackTraffic();
        UUID runId = startRun();
        List<String> haltedAt = new ArrayList<>();
        int kills = 0;
        boolean decisionKilled = false;
        while (true) {
            Set<String> recordedBefore = recordedStages(runId);
            String status = awaitHaltOrStatus(runId, "AWAITING_APPROVAL", "COMPLETED");
            if (status == null) { // the app halted itself after recording a stage
                assertThat(app.awaitExit(Duration.ofSeconds(30))).as("exit status of a fault-injection halt")
                        .isEqualTo(137);
                Set<String> recorded = recordedStages(runId);
                recorded.removeAll(recordedBefore);
                recorded.retainAll(boundaries); // unlisted stages before it ran through
                assertThat(recorded).as("the one kill point recorded before the halt").hasSize(1);
                String halted = recorded.iterator().next();
                assertThat(jdbc.sql("select stage from run_stage where run_id = ? order by completed_at desc limit 1")
                        .param(runId).query(String.class).single()).as("the last stage recorded").isEqualTo(halted);
                haltedAt.add(halted);
            } else if (status.equals("AWAITING_APPROVAL") && !decisionKilled) {
                String approvalId = jdbc.sql("select id::text from approval where run_id = ? and status = 'PENDING'")
                        .param(runId).query(String.class).single();
                Set<String> recordedBeforeDecision = recordedStages(runId);
                HttpResponse<String> decided = app.postJson(LifecycleApi.REVIEWER,
                        "/api/approvals/" + approvalId + "/decision", json.writeValueAsString(Map.of(
                                "decision", "APPROVE", "comment", "checked before the crash",
                                "checklist", LifecycleApi.allTicked())));
                app.kill(); // the moment the reviewer is told the decision is taken
                assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
                decisionKilled = true;
                // should the run have raced ahead to a boundary before the kill, the hook halted it there
                Set<String> recorded = recordedStages(runId);
                recorded.removeAll(recordedBeforeDecision);
                recorded.retainAll(boundaries);
                haltedAt.addAll(recorded);
            } else if (status.equals("COMPLETED")) {
                break;
            } else {
                throw new AssertionError("run " + runId + " waits for approval again after it was approved");
            }
            kills++;
            if (traffic != null) {
                traffic.stop(); // the feedback in flight when the first stage halted the app
            }
            start();
            if (traffic != null) {
                assertFeedbackSurvivedTheKill(traffic);
                traffic = null;
            }
            assertThat(runStatus(runId)).as("the run after a restart").isEqualTo("INTERRUPTED");
            HttpResponse<String> resumed = app.postJson(LifecycleApi.ENGINEER, "/api/runs/" + runId + "/resume", "{}");
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        }
        app.close();

        assertThat(haltedAt).as("the stage boundaries the app was killed at").containsExactlyElementsOf(boundaries);
        assertThat(decisionKilled).isTrue();
        assertThat(jdbc.sql("select outcome from lifecycle_run where id = ?").param(runId).query(String.class)
                .single()).isEqualTo("PROMOTED");
        assertThat(count("select count(*) from audit_event where run_id = ? and action = 'RUN_INTERRUPTED'", runId))
                .as("every kill found at the next start").isEqualTo(kills);
        assertThat(count("select count(*) from audit_event where run_id = ? and action = 'RUN_RESUMED'", runId))
                .isEqualTo(kills);
        assertOneArtifactPerStage(runId);
    }

    /** Exactly one artifact per stage and revision (the run has one revision). */
    private void assertOneArtifactPerStage(UUID runId) {
        assertThat(recordedStages(runId)).containsAll(boundaries);
        assertThat(count("select count(*) from decision where run_id = ?", runId)).as("decision").isEqualTo(1);
        assertThat(count("select count(*) from dataset_version where run_id = ?", runId)).as("dataset_version")
                .isEqualTo(1);
        assertThat(count("select count(*) from fine_tune_job where run_id = ?", runId)).as("fine_tune_job")
                .isEqualTo(1);
        assertThat(count("""
                select count(*) from model_version m join fine_tune_job j on j.id = m.fine_tune_job_id
                where j.run_id = ?""", runId)).as("model_version per job").isEqualTo(1);
        assertThat(count("select count(*) from artifact where run_id = ? and kind = 'MODEL_WEIGHTS'", runId))
                .as("model weights").isEqualTo(1);
        assertThat(count("""
                select count(*) from artifact a where a.run_id = ? and a.kind = 'DATASET_SPLIT'
                and not exists (select 1 from dataset_version d where d.run_id = a.run_id and a.id in
                    (d.train_artifact_id, d.validation_artifact_id, d.test_artifact_id, d.preference_artifact_id))""",
                runId)).as("split files no dataset version names").isZero();
        assertThat(jdbc.sql("""
                        select role || ' ' || eval_set || ' ' || count(*) from eval_run where run_id = ?
                        group by role, eval_set, model_version_id, prompt_version_id having count(*) > 1""")
                .param(runId).query(String.class).list()).as("evaluations run twice").isEmpty();
        assertThat(count("select count(*) from eval_run where run_id = ? and role = 'CANDIDATE'", runId))
                .as("candidate evaluations: the eval set and the test split").isEqualTo(2);
        assertThat(count("select count(*) from gate_result where run_id = ?", runId)).as("gate_result").isEqualTo(1);
        assertThat(count("select count(*) from approval where run_id = ?", runId)).as("approval").isEqualTo(1);
        assertThat(count("select count(*) from approval_vote where approval_id in "
                + "(select id from approval where run_id = ?)", runId)).as("approval_vote").isEqualTo(1);
    }

    // --- feedback killed in the middle -------------------------------------------------------------------------

    private void acknowledgedBatch() {
        HttpResponse<String> acknowledged = app.send(app.request(LifecycleApi.ENGINEER, "/api/feedback/batch")
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson("fi-ack-", 0, ACKNOWLEDGED_LINES))).build());
        assertThat(acknowledged.statusCode()).as(acknowledged.body()).isBetween(200, 299);
    }

    /**
     * Feedback in flight while the run's first stage runs: an NDJSON batch whose body never ends (a line every
     * half second, so the server never times it out) and signed webhook deliveries of feedback sent one after
     * another, until the app dies.
     */
    private final class FeedbackTraffic {

        private final PipedOutputStream cutBody = new PipedOutputStream();
        private final PipedInputStream cutStream;
        private final CompletableFuture<HttpResponse<String>> cut;
        private final Map<String, Boolean> deliveries = new ConcurrentHashMap<>();
        private final AtomicInteger cutLines = new AtomicInteger();
        private volatile boolean stopped;
        private final Thread trickle;
        private final Thread sender;

        FeedbackTraffic() throws IOException {
            cutStream = new PipedInputStream(cutBody, 1 << 16);
            cut = app.http().sendAsync(app.request(LifecycleApi.ENGINEER, "/api/feedback/batch")
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> cutStream)).build(),
                    HttpResponse.BodyHandlers.ofString());
            trickle = Thread.ofVirtual().start(this::trickle);
            sender = Thread.ofVirtual().start(this::sendDeliveries);
        }

        private void trickle() {
            try {
                cutBody.write(ndjson("fi-cut-", 0, 1_000).getBytes(StandardCharsets.UTF_8));
                cutLines.set(1_000);
                while (!stopped) {
                    cutBody.write(ndjson("fi-cut-", cutLines.get(), 1).getBytes(StandardCharsets.UTF_8));
                    cutBody.flush();
                    cutLines.incrementAndGet();
                    Thread.sleep(500);
                }
            } catch (IOException | InterruptedException connectionGone) {
                // the app died, or the test stopped the stream
            }
        }

        private void sendDeliveries() {
            for (int d = 0; !stopped; d++) {
                String id = "fi-delivery-" + d;
                deliveries.put(id, false);
                try {
                    HttpResponse<String> answer = app.http().send(webhookDelivery(id), HttpResponse.BodyHandlers.ofString());
                    deliveries.put(id, answer.statusCode() >= 200 && answer.statusCode() < 300);
                } catch (IOException appGone) {
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** After the app died: ends the stream and the sender. */
        void stop() throws Exception {
            stopped = true;
            cutStream.close();
            trickle.join(Duration.ofSeconds(10));
            sender.join(Duration.ofSeconds(30));
            HttpResponse<String> answer = cut.handle((response, failure) -> response).join();
            assertThat(answer == null || answer.statusCode() >= 400).as("an answer to a batch that never ended: "
                    + (answer == null ? null : answer.body())).isTrue();
        }
    }

    private void assertFeedbackSurvivedTheKill(FeedbackTraffic traffic) {
        assertThat(feedbackRows("fi-ack-%")).as("rows of the acknowledged batch").isEqualTo(ACKNOWLEDGED_LINES);
        assertThat(traffic.cutLines.get()).as("lines of the cut batch sent").isGreaterThanOrEqualTo(1_000);
        assertThat(feedbackRows("fi-cut-%")).as("rows of the batch cut off by the kill").isZero();
        assertThat(traffic.deliveries).as("deliveries answered before the kill").containsValue(true);
        traffic.deliveries.forEach((id, acknowledged) -> {
            long rows = feedbackRows(id + "-%");
            if (acknowledged) {
                assertThat(rows).as("rows of acknowledged delivery " + id).isEqualTo(ITEMS_PER_DELIVERY);
            } else {
                assertThat(rows).as("rows of unanswered delivery " + id + ": all or nothing")
                        .isIn(0L, (long) ITEMS_PER_DELIVERY);
            }
        });
        // the sender retries what was not answered, and replays one that was: each is then stored exactly once
        List<String> retried = new ArrayList<>(traffic.deliveries.entrySet().stream()
                .filter(delivery -> !delivery.getValue()).map(Map.Entry::getKey).toList());
        retried.add("fi-delivery-0");
        for (String id : retried) {
            HttpResponse<String> answer = app.send(webhookDelivery(id));
            assertThat(answer.statusCode()).as("retry of " + id + ": " + answer.body()).isBetween(200, 299);
            assertThat(feedbackRows(id + "-%")).as("rows of delivery " + id + " after its retry")
                    .isEqualTo(ITEMS_PER_DELIVERY);
        }
    }

    private String ndjson(String prefix, int from, int lines) {
        return IntStream.range(from, from + lines)
                .mapToObj(i -> feedbackItem(prefix + i, i) + "\n")
                .collect(Collectors.joining());
    }

    private String feedbackItem(String externalId, int i) {
        try {
            return json.writeValueAsString(Map.of("useCase", FEEDBACK_USE_CASE, "externalId", externalId,
                    "input", "Order " + i + " arrived damaged, what now?",
                    "output", "Sorry to hear that; we will send a replacement.", "rating", i % 2 == 0 ? 1 : -1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest webhookDelivery(String id) {
        List<String> items = IntStream.range(0, ITEMS_PER_DELIVERY)
                .mapToObj(i -> feedbackItem(id + "-" + i, i).replace("\"useCase\":\"" + FEEDBACK_USE_CASE + "\",", ""))
                .toList();
        String body = "{\"type\":\"feedback.batch\",\"id\":\"" + id + "\",\"data\":{\"useCase\":\""
                + FEEDBACK_USE_CASE + "\",\"items\":[" + String.join(",", items) + "]}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String now = String.valueOf(Instant.now().getEpochSecond());
        return app.request(null, "/api/webhooks/feedback")
                .header("Content-Type", "application/json")
                .header("X-Lifecycle-Timestamp", now)
                .header("X-Lifecycle-Signature", WebhookSignature.sign(FEEDBACK_SECRET, now, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    private long feedbackRows(String externalIdPattern) {
        return jdbc.sql("""
                        select count(*) from feedback f join interaction i on i.id = f.interaction_id
                        where i.external_id like ?""")
                .param(externalIdPattern).query(Long.class).single();
    }

    // --- the run ------------------------------------------------------------------------------------------------

    private UUID startRun() throws IOException {
        HttpResponse<String> started = app.postJson(LifecycleApi.ENGINEER, "/api/runs",
                json.writeValueAsString(Map.of("useCase", RUN_USE_CASE)));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        return UUID.fromString(json.readTree(started.body()).path("id").asText());
    }

    /** The run's status once it is one of the wanted ones, or null when the app exited first. */
    private String awaitHaltOrStatus(UUID runId, String... wanted) {
        Set<String> statuses = Set.of(wanted);
        Instant deadline = Instant.now().plus(STAGE_TIMEOUT);
        while (app.isAlive()) {
            String status = runStatus(runId);
            if (statuses.contains(status)) {
                return status;
            }
            if (Set.of("FAILED", "REJECTED", "CANCELLED", "INTERRUPTED").contains(status)) {
                throw new AssertionError("run " + runId + " is " + status + "; see " + app.log().toAbsolutePath());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("run " + runId + " neither reached " + statuses + " nor halted in "
                        + STAGE_TIMEOUT + " (recorded: " + recordedStages(runId) + "); see "
                        + app.log().toAbsolutePath());
            }
            LifecycleApi.sleep(200);
        }
        return null;
    }

    private String runStatus(UUID runId) {
        return jdbc.sql("select status from lifecycle_run where id = ?").param(runId).query(String.class).single();
    }

    private Set<String> recordedStages(UUID runId) {
        return new HashSet<>(jdbc.sql("select stage from run_stage where run_id = ?").param(runId)
                .query(String.class).list());
    }

    private long count(String sql, UUID runId) {
        return jdbc.sql(sql).param(runId).query(Long.class).single();
    }

    private void start() {
        // a small pool: the shared test server's connections are few (max_connections 100 for every test JVM)
        app = ChildApp.start("fault-injection-" + (++generation), Map.of(
                "lifecycle.faults.halt-after-stages", String.join(",", boundaries),
                "spring.datasource.hikari.maximum-pool-size", "8"));
    }

    private static List<String> boundaries() {
        String chosen = System.getProperty("faults.stages", "");
        if (chosen.isBlank()) {
            return SUITE_BOUNDARIES;
        }
        if (chosen.equals("stages")) {
            return STAGE_BOUNDARIES;
        }
        return chosen.equals("all") ? RECORDING_JOB_TYPES
                : RECORDING_JOB_TYPES.stream().filter(List.of(chosen.split(","))::contains).toList();
    }

    /** One connection for the test's reads, kept open across the app's restarts. */
    private JdbcClient jdbc() {
        TestDatabase.Connection db = TestDatabase.get();
        return JdbcClient.create(connection = new SingleConnectionDataSource(db.url(), db.user(), db.password(), true));
    }
}
