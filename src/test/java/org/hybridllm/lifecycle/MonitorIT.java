package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The monitor process on the real engine: a use case whose champion a real lifecycle run promoted is watched
 * without any webhook. Traffic like the training data through the gateway trips nothing over several checks;
 * traffic with another label mix trips the label shift, and the monitor starts the next run with the evidence,
 * one open run at a time (a drift.alert webhook then finds that run open and starts nothing).
 */
@AppTest
class MonitorIT {

    static final Duration TIMEOUT = Duration.ofMinutes(5);
    static final int BATCH = 120;
    static final String MONITORING_SECRET = "monitoring-test-secret";

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    ObjectMapper json;
    @Autowired
    MockMvc mvc;
    @LocalServerPort
    int port;

    LifecycleApi api;

    @BeforeEach
    void api() {
        api = new LifecycleApi(http);
    }

    @Test
    void shiftedTrafficStartsTheNextRunWithItsEvidenceAndUnshiftedTrafficNothing() throws Exception {
        String useCase = "monitor-" + UUID.randomUUID().toString().substring(0, 8);
        sampleData.loadInto(useCase);
        long useCaseId = jdbc.sql("select id from use_case where key = ?").param(useCase).query(Long.class).single();

        // bad input names the field and changes nothing
        ResponseEntity<JsonNode> bad = api.call(LifecycleApi.ENGINEER, HttpMethod.PUT,
                "/api/use-cases/" + useCase + "/monitoring", Map.of("enabled", true, "interval", "soon"));
        assertThat(bad.getStatusCode().value()).isEqualTo(400);
        assertThat(bad.getBody().path("field").asText()).isEqualTo("interval");
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.PUT, "/api/use-cases/" + useCase + "/monitoring",
                Map.of("enabled", true, "interval", "PT4S")).getStatusCode().value()).isEqualTo(403);
        ResponseEntity<JsonNode> configured = api.call(LifecycleApi.ENGINEER, HttpMethod.PUT,
                "/api/use-cases/" + useCase + "/monitoring", Map.of("enabled", true, "interval", "PT4S"));
        assertThat(configured.getStatusCode().value()).as(String.valueOf(configured.getBody())).isEqualTo(200);
        assertThat(configured.getBody().path("interval").asText()).isEqualTo("PT4S");
        assertThat(configured.getBody().path("processInstanceKey").isMissingNode()
                || configured.getBody().path("processInstanceKey").isNull()).as("no champion yet: not watched")
                .isTrue();

        // a real run promotes the champion; the monitor starts by itself
        UUID first = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode awaiting = api.awaitStatus(first, TIMEOUT, "AWAITING_APPROVAL");
        String approval = awaiting.path("pendingApprovals").get(0).path("id").asText();
        assertThat(api.decide(LifecycleApi.REVIEWER, approval, "APPROVE", "ok").getStatusCode().value())
                .isEqualTo(200);
        assertThat(api.awaitStatus(first, TIMEOUT, "COMPLETED").path("outcome").asText()).isEqualTo("PROMOTED");
        awaitTrue(() -> monitoring(useCase).path("processInstanceKey").isNumber(), Duration.ofSeconds(60));
        long runsBefore = runs(useCaseId);

        String key = apiKey(useCase);
        List<Map<String, String>> sample = interactions();
        List<Map<String, String>> shuffled = new ArrayList<>(sample);
        Collections.shuffle(shuffled, new Random(19));

        // unshifted: three batches drawn like the training data, each seen by an evaluated check
        for (int batch = 0; batch < 3; batch++) {
            long checked = lastCheckId(useCaseId);
            send(key, useCase, shuffled.subList(batch * BATCH, (batch + 1) * BATCH));
            awaitEvaluatedCheckAfter(useCaseId, checked);
        }
        List<Map<String, Object>> quiet = jdbc.sql("""
                        select id, tripped, signals::text as signals from drift_check
                        where use_case_id = ? and evaluated order by id""").param(useCaseId).query().listOfRows();
        assertThat(quiet).hasSizeGreaterThanOrEqualTo(3);
        assertThat(quiet).as("no false alarm: %s", quiet).allSatisfy(row -> assertThat(row.get("tripped"))
                .isEqualTo(false));
        assertThat(runs(useCaseId)).as("no run started").isEqualTo(runsBefore);
        // every evaluated check measured the input and label signals against the training split
        assertThat((String) quiet.get(quiet.size() - 1).get("signals"))
                .contains("\"input.mmd\"", "\"input.centroid-cosine-distance\"", "\"output.label-psi\"",
                        "\"training-split\"", "\"pValue\"");

        // shifted: only security tickets (a label mix change), the monitor trips and starts a run
        List<Map<String, String>> security = new ArrayList<>(sample.stream()
                .filter(row -> row.get("trueLabel").equals("security")).toList());
        while (security.size() < BATCH) {
            security.add(security.get(security.size() % 50));
        }
        long beforeShift = lastCheckId(useCaseId);
        send(key, useCase, security.subList(0, BATCH));
        awaitTrue(() -> jdbc.sql("select count(*) from drift_check where use_case_id = ? and id > ? and tripped "
                + "and run_id is not null").params(useCaseId, beforeShift).query(Long.class).single() > 0, TIMEOUT);
        Map<String, Object> trippedCheck = jdbc.sql("""
                        select id, run_id, run_started, signals::text as signals from drift_check
                        where use_case_id = ? and id > ? and tripped order by id limit 1""")
                .params(useCaseId, beforeShift).query().singleRow();
        assertThat(trippedCheck.get("run_started")).isEqualTo(true);
        assertThat((String) trippedCheck.get("signals")).contains("\"output.label-psi\"");
        UUID driftRun = (UUID) trippedCheck.get("run_id");
        assertThat(runs(useCaseId)).isEqualTo(runsBefore + 1);

        JsonNode run = api.run(driftRun);
        assertThat(run.path("startedBy").asText()).isEqualTo("monitor");
        assertThat(run.path("drift").path("driftCheckId").asLong()).isEqualTo(((Number) trippedCheck.get("id"))
                .longValue());
        assertThat(run.path("drift").path("tripped").findValuesAsText("name")).contains("output.label-psi");
        JsonNode labelShift = null;
        for (JsonNode signal : run.path("drift").path("tripped")) {
            if (signal.path("name").asText().equals("output.label-psi")) {
                labelShift = signal;
            }
        }
        assertThat(labelShift.path("value").asDouble()).isGreaterThan(labelShift.path("threshold").asDouble());
        assertThat(labelShift.path("details").path("pValue").asDouble()).isLessThan(0.01);

        // a check on demand records its signals too (source API) and starts nothing
        ResponseEntity<JsonNode> now = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases/" + useCase
                + "/drift-checks", Map.of("from", Instant.now().minusSeconds(600).toString()));
        assertThat(now.getStatusCode().value()).as(String.valueOf(now.getBody())).isEqualTo(201);
        assertThat(now.getBody().path("source").asText()).isEqualTo("API");
        assertThat(now.getBody().path("interactions").asLong()).isGreaterThanOrEqualTo(4L * BATCH);
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/use-cases/" + useCase + "/drift-checks",
                Map.of()).getStatusCode().value()).isEqualTo(403);

        // the API lists the checks newest first
        JsonNode checks = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/" + useCase
                + "/drift-checks", null).getBody();
        assertThat(checks.path("items").get(0).path("id").asLong())
                .isGreaterThan(checks.path("items").get(1).path("id").asLong());
        assertThat(checks.path("totalItems").asLong()).isGreaterThanOrEqualTo(4);

        // the console: the run shows its drift evidence, the monitoring page the checks and the run they started
        String runPage = mvc.perform(get("/console/runs/" + driftRun).with(user("reviewer").roles("REVIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(runPage).contains("Started by drift", "output.label-psi");
        String monitoringPage = mvc.perform(get("/console/use-cases/" + useCase + "/monitoring")
                        .with(user("engineer").roles("ENGINEER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(monitoringPage).contains("Signals over time", "output.label-psi", driftRun.toString(),
                "chart.umd.js");

        // its review shows the evidence too, when the run asks for one; while it waits there it is open, and a
        // drift.alert records its evidence and starts nothing
        JsonNode reached = api.awaitStatus(driftRun, TIMEOUT, "AWAITING_APPROVAL", "COMPLETED", "FAILED",
                "REJECTED");
        System.out.printf("MonitorIT: drift run %s reached %s/%s; tripped %s; quiet checks %s%n", driftRun,
                reached.path("status").asText(), reached.path("outcome").asText(),
                run.path("drift").path("tripped").findValuesAsText("name"), quiet.stream()
                        .map(row -> row.get("id")).toList());
        if (reached.path("status").asText().equals("AWAITING_APPROVAL")) {
            String review = reached.path("pendingApprovals").get(0).path("id").asText();
            String reviewPage = mvc.perform(get("/console/reviews/" + review)
                            .with(user("reviewer").roles("REVIEWER")))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            assertThat(reviewPage).contains("Started by drift", "output.label-psi");
            JsonNode alertAnswer = json.readTree(alert(useCase).body());
            assertThat(alertAnswer.path("runStarted").asBoolean()).isFalse();
            assertThat(alertAnswer.path("runId").asText()).isEqualTo(driftRun.toString());
            assertThat(jdbc.sql("select count(*) from drift_check where id = ? and source = 'WEBHOOK' "
                            + "and run_id = ? and run_started = false and signals::text like '%external-psi%'")
                    .params(alertAnswer.path("driftCheckId").asLong(), driftRun).query(Long.class).single())
                    .isEqualTo(1);
            api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + driftRun + "/cancel",
                    Map.of("reason", "test done"));
        }
        api.call(LifecycleApi.ENGINEER, HttpMethod.PUT, "/api/use-cases/" + useCase + "/monitoring",
                Map.of("enabled", false));

        // drift.alert goes the same way: concurrent alerts start one run between them, with the alert as evidence
        long before = runs(useCaseId);
        List<CompletableFuture<HttpResponse<String>>> alerts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            alerts.add(CompletableFuture.supplyAsync(() -> alert(useCase)));
        }
        List<JsonNode> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> alert : alerts) {
            HttpResponse<String> response = alert.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            answers.add(json.readTree(response.body()));
        }
        assertThat(answers).filteredOn(a -> a.path("runStarted").asBoolean()).hasSize(1);
        assertThat(answers.stream().map(a -> a.path("runId").asText()).distinct()).hasSize(1);
        assertThat(runs(useCaseId)).isEqualTo(before + 1);
        UUID alerted = UUID.fromString(answers.get(0).path("runId").asText());
        assertThat(api.run(alerted).path("drift").path("source").asText()).isEqualTo("WEBHOOK");
        assertThat(api.run(alerted).path("drift").path("tripped").findValuesAsText("name"))
                .containsExactly("webhook.drift-alert");
        assertThat(jdbc.sql("select count(*) from drift_check where use_case_id = ? and source = 'WEBHOOK' "
                + "and run_id = ?").params(useCaseId, alerted).query(Long.class).single()).isEqualTo(4);
        api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + alerted + "/cancel",
                Map.of("reason", "test done"));
    }

    /**
     * The review of a run started by drift shows the evidence it was started with: a drift.alert on a fresh use
     * case, whose first run fine-tunes and asks for a review (the monitor's runs take the same path,
     * RunService.queueForDrift). While it waits there it is the use case's open run: a second alert records its
     * evidence against it and starts nothing.
     */
    @Test
    void aRunStartedByDriftShowsItsEvidenceOnItsReview() throws Exception {
        String useCase = "drift-review-" + UUID.randomUUID().toString().substring(0, 8);
        sampleData.loadInto(useCase);
        HttpResponse<String> answer = alert(useCase);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode accepted = json.readTree(answer.body());
        assertThat(accepted.path("runStarted").asBoolean()).isTrue();
        UUID runId = UUID.fromString(accepted.path("runId").asText());

        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(awaiting.path("drift").path("tripped").findValuesAsText("name"))
                .containsExactly("webhook.drift-alert");
        String review = awaiting.path("pendingApprovals").get(0).path("id").asText();
        String reviewPage = mvc.perform(get("/console/reviews/" + review).with(user("reviewer").roles("REVIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(reviewPage).contains("Started by drift", "webhook.drift-alert");

        JsonNode again = json.readTree(alert(useCase).body());
        assertThat(again.path("runStarted").asBoolean()).isFalse();
        assertThat(again.path("runId").asText()).isEqualTo(runId.toString());
        api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/cancel",
                Map.of("reason", "test done"));
    }

    private HttpResponse<String> alert(String useCase) {
        String body = "{\"type\":\"drift.alert\",\"id\":\"" + UUID.randomUUID() + "\",\"data\":{\"useCase\":\""
                + useCase + "\",\"metric\":\"external-psi\",\"value\":0.4}}";
        try {
            return webhook(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode monitoring(String useCase) {
        return api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/" + useCase + "/monitoring", null)
                .getBody();
    }

    private long runs(long useCaseId) {
        return jdbc.sql("select count(*) from lifecycle_run where use_case_id = ?").param(useCaseId)
                .query(Long.class).single();
    }

    private long lastCheckId(long useCaseId) {
        return jdbc.sql("select coalesce(max(id), 0) from drift_check where use_case_id = ?").param(useCaseId)
                .query(Long.class).single();
    }

    private void awaitEvaluatedCheckAfter(long useCaseId, long checkId) {
        awaitTrue(() -> jdbc.sql("select count(*) from drift_check where use_case_id = ? and id > ? and evaluated")
                .params(useCaseId, checkId).query(Long.class).single() > 0, TIMEOUT);
    }

    private String apiKey(String useCase) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "monitor-test");
        body.put("useCase", useCase);
        ResponseEntity<JsonNode> created = api.call(LifecycleApi.ADMIN, HttpMethod.POST, "/api/gateway/keys", body);
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        return created.getBody().path("key").asText();
    }

    /** The calls through the gateway, then until the gateway's log has written them all. */
    private void send(String key, String useCase, List<Map<String, String>> rows) throws Exception {
        long useCaseId = jdbc.sql("select id from use_case where key = ?").param(useCase).query(Long.class).single();
        long logged = gatewayCalls(useCaseId);
        HttpClient client = HttpClient.newHttpClient();
        for (Map<String, String> row : rows) {
            String body = json.writeValueAsString(Map.of("model", "lifecycle/" + useCase, "messages",
                    List.of(Map.of("role", "user", "content", row.get("input")))));
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                            + "/v1/chat/completions")).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        awaitTrue(() -> gatewayCalls(useCaseId) >= logged + rows.size(), Duration.ofSeconds(60));
    }

    private long gatewayCalls(long useCaseId) {
        return jdbc.sql("select count(*) from interaction where use_case_id = ? and call_id is not null")
                .param(useCaseId).query(Long.class).single();
    }

    private HttpResponse<String> webhook(String body) throws Exception {
        String now = String.valueOf(Instant.now().getEpochSecond());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/webhooks/monitoring")).header("Content-Type", "application/json")
                .header("X-Lifecycle-Timestamp", now)
                .header("X-Lifecycle-Signature", WebhookSignature.sign(MONITORING_SECRET, now, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<Map<String, String>> interactions() throws Exception {
        List<Map<String, String>> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(getClass().getResourceAsStream(
                "/sample/support-ticket-routing/interactions.jsonl"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode row = json.readTree(line);
                rows.add(Map.of("input", row.path("input").asText(), "trueLabel", row.path("trueLabel").asText()));
            }
        }
        return rows;
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("timed out").isBefore(deadline);
            LifecycleApi.sleep(200);
        }
    }
}
