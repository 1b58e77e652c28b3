package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The cycle's decisions that were plainly wrong, each reproduced on the real engine with the local model: a rejected
 * or cancelled candidate kept serving canary traffic, an identical dataset was registered again, two approvals of
 * one use case both promoted, and a run right after a promotion retrained on the same data.
 */
@AppTest
class DecisionsIT {

    static final Duration TIMEOUT = Duration.ofMinutes(4);

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    CamundaClient camunda;

    LifecycleApi api;

    @BeforeEach
    void api() {
        api = new LifecycleApi(http);
    }

    @Test
    void aRejectedOrCancelledCandidateServesNoOneAndAnIdenticalDatasetIsReused() {
        String useCase = "decide-reject";
        sampleData.loadInto(useCase);

        UUID first = api.startRun(LifecycleApi.ENGINEER, useCase);
        String approval = api.awaitStatus(first, TIMEOUT, "AWAITING_APPROVAL").path("pendingApprovals").get(0)
                .path("id").asText();
        // while the candidate waits for its review it is the challenger, and a canary share may go to it
        assertThat(challengerRun(useCase)).isEqualTo(first);
        assertThat(setCanary(useCase, 0.5).getStatusCode().value()).isEqualTo(200);

        assertThat(api.decide(LifecycleApi.REVIEWER, approval, "REJECT", "Not convincing").getStatusCode().value())
                .isEqualTo(200);
        assertThat(api.awaitStatus(first, TIMEOUT, "REJECTED").path("status").asText()).isEqualTo("REJECTED");
        assertThat(challengerRun(useCase)).as("a rejected candidate is no challenger").isNull();
        assertThat(canaryShare(useCase)).as("its canary share went with it").isZero();
        ResponseEntity<JsonNode> refused = setCanary(useCase, 0.5);
        assertThat(refused.getStatusCode().value()).isEqualTo(409);
        assertThat(refused.getBody().path("type").asText()).endsWith("/no-pending-challenger");
        assertThat(refused.getBody().path("detail").asText()).contains("no challenger waiting for its review");
        assertThat(setCanary(useCase, 0.0).getStatusCode().value()).as("0 is always allowed").isEqualTo(200);

        // the same feedback gives the same dataset: the second run uses the first run's version
        UUID second = api.startRun(LifecycleApi.ENGINEER, useCase);
        api.awaitStatus(second, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(jdbc.sql("select count(*) from dataset_version d join use_case u on u.id = d.use_case_id"
                + " where u.key = ?").param(useCase).query(Long.class).single()).isEqualTo(1);
        assertThat(stageOutput(second, "lifecycle.dataset.build", "datasetVersionId"))
                .isEqualTo(stageOutput(first, "lifecycle.dataset.build", "datasetVersionId"));
        assertThat(stageOutput(second, "lifecycle.dataset.build", "datasetReused")).isEqualTo("true");
        assertThat(jdbc.sql("select count(*) from audit_event where run_id = ? and action = 'DATASET_REUSED'")
                .param(second).query(Long.class).single()).isEqualTo(1);

        assertThat(challengerRun(useCase)).isEqualTo(second);
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + second + "/cancel",
                Map.of("reason", "superseded")).getStatusCode().value()).isEqualTo(200);
        api.awaitStatus(second, TIMEOUT, "CANCELLED");
        assertThat(challengerRun(useCase)).as("a cancelled run's candidate is no challenger").isNull();
        assertThat(setCanary(useCase, 0.5).getStatusCode().value()).isEqualTo(409);
    }

    @Test
    void ofTwoRunsApprovedAtOnceOnlyOnePromotesAndTheNextRunTrainsNothing() throws Exception {
        String useCase = "decide-race";
        sampleData.loadInto(useCase);
        UUID a = api.startRun(LifecycleApi.ENGINEER, useCase);
        UUID b = api.startRun(LifecycleApi.ENGINEER, useCase);
        String approvalA = pendingApproval(a);
        String approvalB = pendingApproval(b);
        long championBefore = champion(useCase);

        CountDownLatch go = new CountDownLatch(1);
        var decidedA = CompletableFuture.supplyAsync(() -> decideWhen(go, LifecycleApi.REVIEWER, approvalA));
        var decidedB = CompletableFuture.supplyAsync(() -> decideWhen(go, LifecycleApi.REVIEWER2, approvalB));
        go.countDown();
        assertThat(decidedA.get().getStatusCode().value()).isEqualTo(200);
        assertThat(decidedB.get().getStatusCode().value()).isEqualTo(200);

        JsonNode runA = api.awaitStatus(a, TIMEOUT, "COMPLETED", "FAILED");
        JsonNode runB = api.awaitStatus(b, TIMEOUT, "COMPLETED", "FAILED");
        List<String> outcomes = List.of(runA.path("outcome").asText(), runB.path("outcome").asText());
        assertThat(outcomes).containsExactlyInAnyOrder("PROMOTED", "CHAMPION_CHANGED");
        JsonNode lost = "CHAMPION_CHANGED".equals(runA.path("outcome").asText()) ? runA : runB;
        JsonNode won = lost == runA ? runB : runA;
        assertThat(lost.path("failureReason").asText()).contains("another run promoted first");
        // one change of the champion, to the winner's candidate; the loser never replaced it
        assertThat(champion(useCase)).isEqualTo(won.path("metrics").path("candidate").path("modelVersionId").asLong())
                .isNotEqualTo(championBefore);
        assertThat(jdbc.sql("""
                        select count(*) from model_alias_history h join use_case u on u.id = h.use_case_id
                        where u.key = ? and h.alias = 'champion' and h.run_id in (?, ?)
                          and h.model_version_id <> ?""")
                .params(useCase, a, b, championBefore).query(Long.class).single()).isEqualTo(1);
        assertThat(challengerRun(useCase)).as("the promoted candidate is the champion, not a challenger").isNull();

        // right after the promotion, with no new feedback, the next run decides against the fine-tuned champion
        UUID next = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode done = api.awaitStatus(next, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("NOTHING_TO_DO");
        assertThat(done.path("decision").path("decision").asText()).isEqualTo("NOTHING_TO_DO");
        assertThat(done.path("decision").path("rationale").asText()).containsAnyOf("champion", "feedback");
        assertThat(stageOutput(next, "lifecycle.decide.evaluate-champion", "championFineTuned")).isEqualTo("true");
        assertThat(jdbc.sql("select count(*) from eval_run where run_id = ? and role = 'CHAMPION'"
                + " and eval_set = 'eval-set'").param(next).query(Long.class).single())
                .as("the champion evaluated on the evaluation set, not the prompt baseline").isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from fine_tune_job where run_id = ?").param(next).query(Long.class)
                .single()).as("nothing trained").isZero();
        assertThat(jdbc.sql("select count(*) from dataset_version where run_id = ?").param(next).query(Long.class)
                .single()).isZero();
    }

    /** The deployed table on the engine: a prompt that meets quality, at high volume and costly calls. */
    @Test
    void theEngineFineTunesAPromptThatMeetsQualityAtHighVolumeAndCostAndNamesEveryFactor() throws Exception {
        Map<String, Object> variables = new HashMap<>();
        variables.put("baselineAccuracy", 0.93);
        variables.put("targetAccuracy", 0.90);
        variables.put("labelledExamples", 800);
        variables.put("minLabelledExamples", 100);
        variables.put("promptPlateau", true);
        variables.put("championFineTuned", false);
        variables.put("championEvalSetAccuracy", 0.93);
        variables.put("newLabelledExamples", 800);
        variables.put("monthlyRequests", 250_000);
        variables.put("volumeSource", "gateway-30d");
        variables.put("championLatencyP95Ms", 140.0);
        variables.put("championCostPerRequestUsd", 0.0021);
        variables.put("highVolumeMonthlyRequests", 100_000);
        variables.put("highLatencyP95Ms", 1000);
        variables.put("highCostPerRequestUsd", 0.001);
        String output = camunda.newEvaluateDecisionCommand().decisionId("fine-tune-decision").variables(variables)
                .send().join().getDecisionOutput();
        JsonNode result = new ObjectMapper().readTree(output);
        assertThat(result.path("decision").asText()).isEqualTo("FINE_TUNE");
        assertThat(result.path("rationale").asText()).contains("cuts the cost per request",
                "quality gap -0.030", "800 labelled examples (minimum 100)", "prompt iterations plateaued",
                "250000 requests/month (gateway-30d), high volume", "p95 140.0 ms", "$0.00210000/request, high");
    }

    private String pendingApproval(UUID run) {
        return api.awaitStatus(run, TIMEOUT, "AWAITING_APPROVAL").path("pendingApprovals").get(0).path("id").asText();
    }

    private ResponseEntity<JsonNode> decideWhen(CountDownLatch go, String reviewer, String approval) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return api.decide(reviewer, approval, "APPROVE", "Evidence checked");
    }

    private ResponseEntity<JsonNode> setCanary(String useCase, double share) {
        return api.call(LifecycleApi.ENGINEER, HttpMethod.PUT, "/api/gateway/routes/" + useCase,
                Map.of("canaryShare", share));
    }

    private UUID challengerRun(String useCase) {
        return jdbc.sql("""
                        select a.run_id from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = ? and a.alias = 'challenger'""")
                .param(useCase).query(UUID.class).optional().orElse(null);
    }

    private double canaryShare(String useCase) {
        return jdbc.sql("""
                        select coalesce((select g.canary_share from gateway_route g where g.use_case_id = u.id), 0)
                        from use_case u where u.key = ?""")
                .param(useCase).query(Double.class).single();
    }

    private long champion(String useCase) {
        return jdbc.sql("""
                        select a.model_version_id from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = ? and a.alias = 'champion'""")
                .param(useCase).query(Long.class).single();
    }

    private String stageOutput(UUID run, String stage, String field) {
        return jdbc.sql("select output->>? from run_stage where run_id = ? and stage = ?")
                .params(field, run, stage).query(String.class).single();
    }
}
