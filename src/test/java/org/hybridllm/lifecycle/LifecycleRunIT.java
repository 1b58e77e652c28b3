package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.dataset.BuildDatasetWorker;
import org.hybridllm.lifecycle.governance.ReviewChecklist;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import io.camunda.client.CamundaClient;
import java.util.HashMap;

/**
 * A whole lifecycle run on the real embedded Zeebe engine with the real local model, driven through the REST API
 * and checked in Postgres.
 */
@AppTest
class LifecycleRunIT {

    static final Duration TIMEOUT = Duration.ofMinutes(4);

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    BuildDatasetWorker datasetWorker;
    @Autowired
    CamundaClient camunda;

    LifecycleApi api;

    @BeforeEach
    void api() {
        api = new LifecycleApi(http);
    }

    @Test
    void aRunGoesFromPromptBaselineToAPromotedFineTunedModelThatBeatsIt() throws Exception {
        String useCase = "tickets-promote";
        sampleData.loadInto(useCase);

        UUID runId = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(awaiting.path("pendingApprovals")).hasSize(1);
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        double baseline = awaiting.path("metrics").path("champion").path("accuracy").asDouble();
        double candidate = awaiting.path("metrics").path("candidate").path("accuracy").asDouble();
        assertThat(candidate).as("fine-tuned accuracy on the test split vs prompt-only baseline")
                .isGreaterThan(baseline);
        assertThat(awaiting.path("decision").path("decision").asText()).isEqualTo("FINE_TUNE");
        assertThat(awaiting.path("decision").path("rationale").asText()).as("names every factor with its value")
                .contains("Factors: quality gap ", "labelled examples (minimum 400)",
                        "30000 requests/month (declared)", "p95 ", "/request");

        // break-even: the local trainer's wall time and the local calls' latencies at the compute-hour rate, at
        // the sample's declared volume (its interactions were imported, not served by the gateway)
        JsonNode breakEven = awaiting.path("breakEven");
        assertThat(breakEven.path("trainingCostUsd").asDouble()).isPositive();
        assertThat(breakEven.path("trainingCostBasis").asText()).contains("compute-hour of the local model");
        assertThat(breakEven.path("monthlyRequests").asLong()).isEqualTo(30_000);
        assertThat(breakEven.path("volumeSource").asText()).isEqualTo("declared");
        assertThat(breakEven.path("championCostPerRequestUsd").asDouble()).isPositive();
        assertThat(breakEven.path("candidateCostPerRequestUsd").asDouble()).isPositive();
        assertThat(breakEven.path("savingPerRequestUsd").asDouble()).isCloseTo(
                breakEven.path("championCostPerRequestUsd").asDouble()
                        - breakEven.path("candidateCostPerRequestUsd").asDouble(), within(1e-12));
        assertThat(breakEven.path("championLatencyP95Ms").asDouble()).isPositive();
        assertThat(breakEven.path("candidateLatencyP95Ms").asDouble()).isPositive();
        // the saving of local calls can go either way: a number, or null with its reason, never both
        assertThat(breakEven.has("breakEvenRequests")).isTrue();
        assertThat(breakEven.path("breakEvenRequests").isNull())
                .isEqualTo(breakEven.path("unknown").has("breakEvenRequests"));

        // only a reviewer decides, and not on a run they started
        assertThat(api.decide(LifecycleApi.ENGINEER, approvalId, "APPROVE", null).getStatusCode().value())
                .isEqualTo(403);
        // approving needs every checklist item ticked: one missing is refused, naming it, and changes nothing
        var partial = LifecycleApi.allTicked();
        partial.remove(ReviewChecklist.CONSENT);
        var incomplete = api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "ok", partial);
        assertThat(incomplete.getStatusCode().value()).isEqualTo(400);
        assertThat(incomplete.getBody().path("field").asText()).isEqualTo("checklist");
        assertThat(incomplete.getBody().path("detail").asText()).contains("Governance: consent");
        var approved = api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "Evidence checked");
        assertThat(approved.getStatusCode().value()).as(String.valueOf(approved.getBody())).isEqualTo(200);
        // a double submit yields the same single decision
        assertThat(api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "Evidence checked")
                .getStatusCode().value()).isEqualTo(200);

        JsonNode done = api.awaitStatus(runId, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("PROMOTED");
        assertThat(done.path("stages")).extracting(stage -> stage.path("stage").asText()).containsExactly(
                "lifecycle.prototype.evaluate-prompts", "lifecycle.feedback.summarise",
                "lifecycle.decide.evaluate-champion", "lifecycle.decide.record",
                "lifecycle.dataset.build", "lifecycle.finetune.submit", "lifecycle.finetune.register-model",
                "lifecycle.evaluate.compare", "lifecycle.gate.compute", "lifecycle.gate.record",
                "lifecycle.promote.set-champion", "lifecycle.run.finish");

        // Postgres: approval decided by the reviewer, once
        Map<String, Object> approval = jdbc.sql(""
                        + "select status, decided_by, requested_by, evidence_sha256, checklist->'CONSENT'->>'ticked' as consent"
                        + " from approval where id = ?")
                .param(UUID.fromString(approvalId)).query().singleRow();
        assertThat(approval.get("evidence_sha256")).isEqualTo(Sha256.of(jdbc.sql(
                "select evidence::text from approval where id = ?").param(UUID.fromString(approvalId))
                .query(String.class).single()));
        assertThat(approval).containsEntry("consent", "true");
        assertThat(approval).containsEntry("status", "APPROVED").containsEntry("decided_by", "reviewer")
                .containsEntry("requested_by", "engineer");
        assertThat(jdbc.sql("select count(*) from audit_event where entity_id = ? and action = 'APPROVAL_APPROVED'")
                .param(approvalId).query(Long.class).single()).isEqualTo(1);

        // the champion is now the fine-tuned model with its short prompt
        long candidateModel = done.path("metrics").path("candidate").path("modelVersionId").asLong();
        Map<String, Object> champion = jdbc.sql("""
                        select a.model_version_id, m.kind, p.purpose from model_alias a
                        join model_version m on m.id = a.model_version_id
                        join prompt_version p on p.id = a.prompt_version_id
                        join use_case u on u.id = a.use_case_id where u.key = ? and a.alias = 'champion'""")
                .param(useCase).query().singleRow();
        assertThat(champion).containsEntry("model_version_id", candidateModel).containsEntry("kind", "FINE_TUNED")
                .containsEntry("purpose", "FINE_TUNED");

        // every artifact's file matches its registered sha256 and size
        List<Map<String, Object>> artifacts = jdbc.sql("select id, kind, uri, sha256, bytes from artifact where run_id = ?")
                .param(runId).query().listOfRows();
        assertThat(artifacts).extracting(a -> a.get("kind"))
                .containsExactlyInAnyOrder("DATASET_SPLIT", "DATASET_SPLIT", "DATASET_SPLIT", "DATASET_PREFERENCES",
                        "MODEL_WEIGHTS");
        for (Map<String, Object> artifact : artifacts) {
            Path file = Path.of(URI.create((String) artifact.get("uri")));
            assertThat(Sha256.of(file)).isEqualTo(artifact.get("sha256"));
            assertThat(Files.size(file)).isEqualTo(((Number) artifact.get("bytes")).longValue());
        }

        // lineage: model -> weights -> train/validation splits -> dataset version -> feedback -> interaction -> prompt
        Long lineageRows = jdbc.sql("""
                        select count(distinct pv.id) from model_version m
                        join artifact w on w.id = m.artifact_id
                        join artifact_parent ap on ap.artifact_id = w.id
                        join dataset_version d on ap.parent_artifact_id in (d.train_artifact_id, d.validation_artifact_id)
                        join dataset_version_feedback df on df.dataset_version_id = d.id
                        join feedback f on f.id = df.feedback_id
                        join interaction i on i.id = f.interaction_id
                        join prompt_version pv on pv.id = i.prompt_version_id
                        where m.id = ?""")
                .param(candidateModel).query(Long.class).single();
        assertThat(lineageRows).isEqualTo(1);
        Map<String, Object> dataset = jdbc.sql("""
                        select d.train_rows + d.validation_rows + d.test_rows as total, d.pii_items_scrubbed,
                               d.duplicates_removed, (select count(*) from dataset_version_feedback f
                                                      where f.dataset_version_id = d.id) as linked
                        from dataset_version d where d.run_id = ?""")
                .param(runId).query().singleRow();
        assertThat(((Number) dataset.get("total")).longValue()).isEqualTo(((Number) dataset.get("linked")).longValue())
                .isGreaterThanOrEqualTo(400);
        assertThat(((Number) dataset.get("pii_items_scrubbed")).intValue()).isPositive();
        assertThat(((Number) dataset.get("duplicates_removed")).intValue()).isPositive();

        // the training data has no e-mail address left in it
        String train = Files.readString(Path.of(URI.create((String) jdbc.sql("""
                        select a.uri from dataset_version d join artifact a on a.id = d.train_artifact_id
                        where d.run_id = ?""").param(runId).query(String.class).single())));
        assertThat(train).doesNotContainPattern("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

        // a re-delivered job (e.g. after a worker timeout) returns the recorded output and registers nothing again
        long artifactsBefore = jdbc.sql("select count(*) from artifact").query(Long.class).single();
        long feedbackUpTo = jdbc.sql(
                "select (output->>'feedbackUpToId')::bigint from run_stage where run_id = ? and stage = ?")
                .params(runId, "lifecycle.feedback.summarise").query(Long.class).single();
        BuildDatasetWorker.DatasetBuilt again = datasetWorker.build(FakeJob.of("lifecycle.dataset.build", 1L, 3,
                Map.of("runId", runId.toString(), "feedbackUpToId", feedbackUpTo)),
                new BuildDatasetWorker.DatasetInput(runId, feedbackUpTo));
        assertThat(again.datasetVersionId()).isEqualTo(jdbc.sql("select id from dataset_version where run_id = ?")
                .param(runId).query(Long.class).single());
        assertThat(jdbc.sql("select count(*) from artifact").query(Long.class).single()).isEqualTo(artifactsBefore);
        assertThat(jdbc.sql("select count(*) from dataset_version where run_id = ?").param(runId)
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aRejectedRunEndsRejectedAndLeavesTheChampionAlone() {
        String useCase = "tickets-reject";
        sampleData.loadInto(useCase);
        UUID runId = api.startRun(LifecycleApi.ADMIN, useCase);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        Object championBefore = jdbc.sql("""
                        select a.model_version_id from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = ? and a.alias = 'champion'""").param(useCase).query(Long.class).single();

        // left undecided past lifecycle.governance.escalate-after (1 s in tests), the review is escalated, still open
        Instant deadline = Instant.now().plusSeconds(30);
        while (jdbc.sql("select escalated_at is not null from approval where id = ?").param(UUID.fromString(approvalId))
                .query(Boolean.class).single() == Boolean.FALSE) {
            assertThat(Instant.now()).as("review escalated in time").isBefore(deadline);
            LifecycleApi.sleep(250);
        }
        assertThat(jdbc.sql("select count(*) from audit_event where entity_id = ? and action = 'REVIEW_ESCALATED'"
                        + " and details->>'escalatedTo' = 'ADMIN'").param(approvalId).query(Long.class).single())
                .isEqualTo(1);

        // four-eyes: admin holds REVIEWER but started this run
        var own = api.decide(LifecycleApi.ADMIN, approvalId, "APPROVE", "looks fine");
        assertThat(own.getStatusCode().value()).isEqualTo(403);
        assertThat(own.getBody().path("type").asText()).endsWith("/four-eyes");
        // a rejection must say why
        var noComment = api.decide(LifecycleApi.REVIEWER2, approvalId, "REJECT", " ");
        assertThat(noComment.getStatusCode().value()).isEqualTo(400);
        assertThat(noComment.getBody().path("field").asText()).isEqualTo("comment");
        assertThat(jdbc.sql("select status from approval where id = ?").param(UUID.fromString(approvalId))
                .query(String.class).single()).isEqualTo("PENDING");

        var rejected = api.decide(LifecycleApi.REVIEWER2, approvalId, "REJECT", "PII scrubbing not signed off");
        assertThat(rejected.getStatusCode().value()).isEqualTo(200);
        // a decision is final
        assertThat(api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "override").getStatusCode().value())
                .isEqualTo(409);

        JsonNode done = api.awaitStatus(runId, TIMEOUT, "REJECTED");
        assertThat(done.path("outcome").asText()).isEqualTo("REJECTED");
        assertThat(done.path("approvals").get(0).path("decidedBy").asText()).isEqualTo("reviewer2");
        assertThat(jdbc.sql("""
                        select a.model_version_id from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = ? and a.alias = 'champion'""").param(useCase).query(Long.class).single())
                .isEqualTo(championBefore);
    }

    @Test
    void badInputGetsProblemDetailsAndChangesNothing() {
        long runsBefore = jdbc.sql("select count(*) from lifecycle_run").query(Long.class).single();
        var unknown = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs", Map.of("useCase", "nope"));
        assertThat(unknown.getStatusCode().value()).isEqualTo(400);
        assertThat(unknown.getHeaders().getContentType().toString()).isEqualTo("application/problem+json");
        assertThat(unknown.getBody().path("field").asText()).isEqualTo("useCase");
        var missing = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs", Map.of());
        assertThat(missing.getStatusCode().value()).isEqualTo(400);
        assertThat(missing.getBody().path("field").asText()).isEqualTo("useCase");
        var reviewerStarts = api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/runs",
                Map.of("useCase", SampleDataLoader.USE_CASE));
        assertThat(reviewerStarts.getStatusCode().value()).isEqualTo(403);
        var anonymous = api.call(null, HttpMethod.GET, "/api/runs", null);
        assertThat(anonymous.getStatusCode().value()).isEqualTo(401);
        var notFound = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/runs/" + UUID.randomUUID(), null);
        assertThat(notFound.getStatusCode().value()).isEqualTo(404);
        assertThat(notFound.getBody().path("type").asText()).endsWith("/run-not-found");
        var badDecision = api.call(LifecycleApi.REVIEWER, HttpMethod.POST,
                "/api/approvals/" + UUID.randomUUID() + "/decision", Map.of("decision", "MAYBE"));
        assertThat(badDecision.getStatusCode().value()).isEqualTo(400);
        assertThat(badDecision.getBody().path("field").asText()).isEqualTo("decision");
        var negativeVolume = api.call(LifecycleApi.ENGINEER, HttpMethod.PUT,
                "/api/use-cases/" + SampleDataLoader.USE_CASE + "/monthly-requests", Map.of("monthlyRequests", -1));
        assertThat(negativeVolume.getStatusCode().value()).isEqualTo(400);
        assertThat(negativeVolume.getBody().path("field").asText()).isEqualTo("monthlyRequests");
        assertThat(jdbc.sql("select count(*) from lifecycle_run").query(Long.class).single()).isEqualTo(runsBefore);
    }

    @Test
    void tooFewExamplesAfterDeduplicationTakesTheModelledFailurePath() {
        String useCase = "tickets-too-small";
        sampleData.loadInto(useCase);
        // enough labelled feedback to pass the decision table, but fewer once duplicates are removed
        long labelled = jdbc.sql("""
                        select count(distinct i.id) from interaction i join feedback f on f.interaction_id = i.id
                        join use_case u on u.id = i.use_case_id
                        where u.key = ? and (f.corrected_output is not null or f.rating = 1)""")
                .param(useCase).query(Long.class).single();
        jdbc.sql("update use_case set min_labelled_examples = ? where key = ?").params(labelled, useCase).update();

        UUID runId = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode failed = api.awaitStatus(runId, TIMEOUT, "FAILED");
        assertThat(failed.path("outcome").asText()).isEqualTo("DATASET_TOO_SMALL");
        assertThat(failed.path("failureReason").asText()).contains("usable examples").contains(labelled + " needed");
        assertThat(jdbc.sql("select count(*) from dataset_version where run_id = ?").param(runId).query(Long.class)
                .single()).isZero();
        assertThat(jdbc.sql("select count(*) from artifact where run_id = ?").param(runId).query(Long.class)
                .single()).isZero();
    }

    @Test
    void aReviewerSendsTheRunBackToTheDatasetStageAndTheNewRevisionIsReviewedAgain() {
        String useCase = "tickets-changes";
        sampleData.loadInto(useCase);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, useCase);
        String firstApproval = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL").path("pendingApprovals").get(0)
                .path("id").asText();

        Map<String, Object> noTarget = new HashMap<>(Map.of("decision", "REQUEST_CHANGES",
                "comment", "Drop the tickets from the March outage"));
        var refused = api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/approvals/" + firstApproval + "/decision",
                noTarget);
        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(refused.getBody().path("field").asText()).isEqualTo("changeTarget");
        noTarget.put("changeTarget", "DATASET");
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/approvals/" + firstApproval + "/decision",
                noTarget).getStatusCode().value()).isEqualTo(200);
        api.awaitStatus(runId, TIMEOUT, "AWAITING_CHANGES");

        // only the run's engineers continue it, and only while it waits for changes
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/runs/" + runId + "/changes-addressed",
                Map.of("note", "x")).getStatusCode().value()).isEqualTo(403);
        var addressed = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/changes-addressed",
                Map.of("note", "outage tickets relabelled"));
        assertThat(addressed.getStatusCode().value()).isEqualTo(200);
        assertThat(addressed.getBody().path("revision").asInt()).isEqualTo(1);
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/changes-addressed",
                Map.of()).getStatusCode().value()).isEqualTo(409);

        JsonNode again = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        String secondApproval = again.path("pendingApprovals").get(0).path("id").asText();
        assertThat(secondApproval).isNotEqualTo(firstApproval);
        // the stages from the dataset on ran again as revision 1; the ones before it did not. No feedback changed,
        // so the rebuilt dataset has the same content: it is the first version, reused, not registered again
        assertThat(jdbc.sql("select count(*) from dataset_version where run_id = ?").param(runId).query(Long.class)
                .single()).isEqualTo(1);
        assertThat(jdbc.sql("select (output->>'datasetReused')::boolean from run_stage where run_id = ? and stage = ?")
                .params(runId, "lifecycle.dataset.build@r1").query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("select stage from run_stage where run_id = ? and stage like '%@r1' order by completed_at")
                .param(runId).query(String.class).list()).containsExactly("lifecycle.dataset.build@r1",
                "lifecycle.finetune.submit@r1", "lifecycle.finetune.register-model@r1", "lifecycle.evaluate.compare@r1",
                "lifecycle.gate.compute@r1", "lifecycle.gate.record@r1");
        assertThat(jdbc.sql("select status || ':' || change_target from approval where id = ?")
                .param(UUID.fromString(firstApproval)).query(String.class).single()).isEqualTo("CHANGES_REQUESTED:DATASET");

        assertThat(api.decide(LifecycleApi.REVIEWER, secondApproval, "APPROVE", "better now").getStatusCode().value())
                .isEqualTo(200);
        JsonNode done = api.awaitStatus(runId, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("PROMOTED");
        assertThat(done.path("approvals")).hasSize(2);
    }

    @Test
    void aRunStartedOutsideTheAppIsRegisteredAndTrackedLikeAnyOther() {
        String useCase = "tickets-outside";
        sampleData.loadInto(useCase);
        // the start event's form is a valid Camunda form for this engine
        assertThat(camunda.newDeployResourceCommand().addResourceFromClasspath("bpmn/forms/start-run.form").send()
                .join().getForm()).extracting(form -> form.getFormId()).containsExactly("start-run");
        // as Tasklist's start form or Camunda Modeler's "Run" would: the process id and the form's variables only
        long processInstanceKey = camunda.newCreateInstanceCommand().bpmnProcessId("llm-lifecycle").latestVersion()
                .variables(Map.of("useCase", useCase, "startedBy", "maria")).send().join().getProcessInstanceKey();
        Instant deadline = Instant.now().plusSeconds(60);
        UUID runId = null;
        while (runId == null) {
            assertThat(Instant.now()).as("run registered").isBefore(deadline);
            runId = jdbc.sql("select id from lifecycle_run where process_instance_key = ?").param(processInstanceKey)
                    .query(UUID.class).optional().orElse(null);
            LifecycleApi.sleep(200);
        }
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(awaiting.path("startedBy").asText()).isEqualTo("maria");
        assertThat(awaiting.path("useCase").asText()).isEqualTo(useCase);
        assertThat(awaiting.path("pendingApprovals").get(0).path("requestedBy").asText()).isEqualTo("maria");
    }

    @Test
    void theApiIsDescribedByOpenApiAndSwaggerUiIsServed() {
        var docs = http.getForEntity("/v3/api-docs", String.class);
        assertThat(docs.getStatusCode().value()).isEqualTo(200);
        assertThat(docs.getBody()).contains("\"openapi\"").contains("/api/runs").contains("/api/approvals/{id}/decision")
                .contains("/api/webhooks/{source}");
        assertThat(http.getForEntity("/swagger-ui/index.html", String.class).getStatusCode().value()).isEqualTo(200);
    }
}
