package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.hybridllm.lifecycle.run.RunOutcome;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * Right to erasure and retention on the real engine with the local model: a data subject whose rows are in the
 * champion's training split is erased — their text is gone byte-wise from every file under the artifact store, the
 * datasets and models built from it are TAINTED, the gate refuses a tainted candidate, and one call retrains to an
 * untainted champion; erasing twice answers the same; an unknown subject answers zero counts; other roles get 403
 * and change nothing. Then the retention timer process deletes rows past the use case's retention period with the
 * same tainting and rewriting.
 */
@AppTest
class ErasureIT {

    static final Duration TIMEOUT = Duration.ofMinutes(6);
    static final String USE_CASE = "erasure-cycle";

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    CamundaClient camunda;
    @Autowired
    RunRepository runs;
    @Autowired
    WebApplicationContext context;

    LifecycleApi api;
    MockMvc console;

    @BeforeEach
    void api() {
        api = new LifecycleApi(http);
        console = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
    }

    @Test
    void anErasedSubjectIsGoneFromEveryFileTaintsWhatWasBuiltFromItAndIsRetrainedAway() throws Exception {
        sampleData.loadInto(USE_CASE);
        String subject = "erasure-subject-" + UUID.randomUUID();
        String marker = "Quillfeather" + letters(8);
        String retained = "Marrowdale" + letters(8);
        String oldSubject = "retention-subject-" + UUID.randomUUID();
        addRows(subject, marker, 0, 40);
        addRows(oldSubject, retained, 40, 30);

        // a real cycle: the subject's rows are in the champion's training split
        UUID first = api.startRun(LifecycleApi.ENGINEER, USE_CASE);
        promote(api.awaitStatus(first, TIMEOUT, "AWAITING_APPROVAL"));
        long dataset = jdbc.sql("select id from dataset_version where run_id = ?").param(first).query(Long.class)
                .single();
        long champion = championModel();
        Path train = artifactFile(jdbc.sql("select train_artifact_id from dataset_version where id = ?")
                .param(dataset).query(Long.class).single());
        assertThat(contains(train, marker)).as("the subject's rows are in the training split").isTrue();
        int trainRowsBefore = jdbc.sql("select train_rows from dataset_version where id = ?").param(dataset)
                .query(Integer.class).single();
        // the champion and candidate evaluations ran on the test split: they hold the subject's text as well
        long evaluatedBefore = evaluationExamplesHolding(marker);
        assertThat(evaluatedBefore).as("the subject's rows were evaluated on").isPositive();
        assertThat(modelCallsHolding(marker)).isPositive();
        // a review's evidence is metrics and counts (it links to the evaluations for examples): nothing to redact
        assertThat(jdbc.sql("select count(*) from approval where strpos(evidence::text, ?) > 0").param(marker)
                .query(Long.class).single()).as("reviews whose evidence quotes the subject").isZero();
        assertThat(jdbc.sql("select count(*) from approval a join lifecycle_run r on r.id = a.run_id where r.id = ?")
                .param(first).query(Long.class).single()).as("the cycle was reviewed").isPositive();

        // another role: 403, nothing changed
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.DELETE, "/api/subjects/" + subject, null)
                .getStatusCode().value()).isEqualTo(403);
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/subjects/erasures",
                Map.of("subjectIds", List.of(subject))).getStatusCode().value()).isEqualTo(403);
        assertThat(subjectInteractions(subject)).isEqualTo(40);
        assertThat(datasetTainted(dataset)).isFalse();

        // the erasure
        ResponseEntity<JsonNode> erased = api.call(LifecycleApi.ADMIN, HttpMethod.DELETE, "/api/subjects/" + subject,
                null);
        assertThat(erased.getStatusCode().value()).as(String.valueOf(erased.getBody())).isEqualTo(200);
        JsonNode counts = erased.getBody().path("counts");
        assertThat(counts.path("interactions").asInt()).isEqualTo(40);
        assertThat(counts.path("feedback").asInt()).isEqualTo(40);
        assertThat(counts.path("datasetVersionsTainted").asInt()).isEqualTo(1);
        assertThat(counts.path("splitFilesRewritten").asInt()).isBetween(1, 4);
        assertThat(counts.path("splitFilesDeleted").asInt()).isZero();
        assertThat(counts.path("evaluationExamplesRedacted").asLong()).isEqualTo(evaluatedBefore);
        assertThat(counts.path("modelsTainted").asInt()).isEqualTo(1);
        assertThat(counts.path("championsTainted").asInt()).isEqualTo(1);
        assertThat(erased.getBody().path("subjectSha256").asText()).isEqualTo(Sha256.of(subject));

        // byte-wise: no file under the artifact store holds the subject's text; the old split file is gone
        assertThat(filesContaining(marker)).as("files still holding the erased text").isEmpty();
        assertThat(evaluationExamplesHolding(marker)).as("evaluation examples still holding it").isZero();
        assertThat(modelCallsHolding(marker)).as("provider calls still holding it").isZero();
        // what the gate reads stays: every example keeps its outcome, a classification its labels
        assertThat(jdbc.sql("""
                        select count(*) from eval_example_result e join eval_run r on r.id = e.eval_run_id
                        where r.eval_set = ? and e.input = '[erased]' and e.expected is not null
                          and e.expected <> '[erased]' and e.verdicts::text not like '%judgeCalls%'""")
                .param("dataset:" + dataset + ":test").query(Long.class).single()).isEqualTo(evaluatedBefore);
        assertThat(Files.exists(train)).isFalse();
        assertThat(subjectInteractions(subject)).isZero();
        assertThat(datasetTainted(dataset)).isTrue();
        assertSplitsTruthful(dataset);
        int trainRowsAfter = jdbc.sql("select train_rows from dataset_version where id = ?").param(dataset)
                .query(Integer.class).single();
        assertThat(trainRowsAfter).isLessThan(trainRowsBefore);
        assertThat(jdbc.sql("select tainted from model_version where id = ?").param(champion).query(Boolean.class)
                .single()).isTrue();
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets/" + dataset, null).getBody()
                .path("tainted").asBoolean()).isTrue();
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/" + USE_CASE + "/aliases", null)
                .getBody().path("championTainted").asBoolean()).isTrue();
        assertThat(api.run(first).path("taint").path("championTainted").asBoolean()).isTrue();
        assertThat(page("/console/runs/" + first)).contains("id=\"champion-tainted\"");
        assertThat(page("/console/datasets/" + dataset)).contains(" · tainted</b>");
        // the audit trail and the erasure record keep no subject id
        assertThat(jdbc.sql("select count(*) from audit_event where details::text like ? or entity_id = ?")
                .params("%" + subject + "%", subject).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'SUBJECT_ERASED' and entity_id = ?")
                .param(Sha256.of(subject)).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from subject_erasure where result::text like ?").param("%" + subject + "%")
                .query(Long.class).single()).isZero();

        // twice: the same counts, nothing more changed
        long artifacts = jdbc.sql("select count(*) from artifact").query(Long.class).single();
        ResponseEntity<JsonNode> again = api.call(LifecycleApi.ADMIN, HttpMethod.POST, "/api/subjects/erasures",
                Map.of("subjectIds", List.of(subject)));
        assertThat(again.getStatusCode().value()).isEqualTo(200);
        assertThat(again.getBody().path("subjects").get(0).path("erasure").path("counts")).isEqualTo(counts);
        assertThat(again.getBody().path("subjects").get(0).path("erasure").path("requests").asInt()).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from artifact").query(Long.class).single()).isEqualTo(artifacts);

        // an unknown subject: 200 with zero counts
        ResponseEntity<JsonNode> unknown = api.call(LifecycleApi.ADMIN, HttpMethod.DELETE,
                "/api/subjects/nobody-" + UUID.randomUUID(), null);
        assertThat(unknown.getStatusCode().value()).isEqualTo(200);
        assertThat(unknown.getBody().path("counts").path("interactions").asInt()).isZero();
        assertThat(unknown.getBody().path("counts").path("datasetVersionsTainted").asInt()).isZero();
        assertThat(api.call(LifecycleApi.ADMIN, HttpMethod.POST, "/api/subjects/erasures",
                Map.of("subjectIds", List.of())).getBody().path("field").asText()).isEqualTo("subjectIds");

        // one call retrains; a second while it is open is refused
        ResponseEntity<JsonNode> retrain = api.call(LifecycleApi.ENGINEER, HttpMethod.POST,
                "/api/use-cases/" + USE_CASE + "/retrain", null);
        assertThat(retrain.getStatusCode().value()).as(String.valueOf(retrain.getBody())).isEqualTo(201);
        assertThat(retrain.getBody().path("championTainted").asBoolean()).isTrue();
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases/" + USE_CASE + "/retrain", null)
                .getStatusCode().value()).isEqualTo(409);
        UUID retraining = UUID.fromString(retrain.getBody().path("runId").asText());
        JsonNode review = api.awaitStatus(retraining, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(review.path("gate").path("verdict").asText()).isEqualTo("PROMOTE");
        assertThat(review.path("taint").path("candidateTainted").asBoolean()).isFalse();
        assertThat(page("/console/reviews/" + review.path("pendingApprovals").get(0).path("id").asText()))
                .as("the review says the champion is tainted").contains("id=\"champion-tainted\"")
                .doesNotContain("id=\"candidate-tainted\"");
        promote(review);
        long retrained = championModel();
        assertThat(retrained).isNotEqualTo(champion);
        assertThat(jdbc.sql("select tainted from model_version where id = ?").param(retrained).query(Boolean.class)
                .single()).as("the retrained champion").isFalse();
        long retrainedDataset = jdbc.sql("select dataset_version_id from model_version where id = ?")
                .param(retrained).query(Long.class).single();
        assertThat(datasetTainted(retrainedDataset)).isFalse();
        assertThat(filesContaining(marker)).isEmpty();

        // a tainted candidate is refused by the gate, whatever its figures
        JsonNode gate = gateAlone(champion);
        assertThat(gate.path("verdict").asText()).isEqualTo("KEEP_CHAMPION");
        assertThat(gate.path("reasons").get(0).asText()).contains("TAINTED");

        // retention: bad input is a 400 naming the field, another role 403; then the timer deletes old rows
        assertThat(api.call(LifecycleApi.ADMIN, HttpMethod.PUT, "/api/use-cases/" + USE_CASE + "/retention",
                Map.of("retentionPeriod", "a year")).getBody().path("field").asText()).isEqualTo("retentionPeriod");
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.PUT, "/api/use-cases/" + USE_CASE + "/retention",
                Map.of("retentionPeriod", "P365D")).getStatusCode().value()).isEqualTo(403);
        assertThat(filesContaining(retained)).as("the old subject's rows are in the retrained dataset").isNotEmpty();
        jdbc.sql("update interaction set created_at = now() - interval '400 days' where subject_id = ?")
                .param(oldSubject).update();
        ResponseEntity<JsonNode> set = api.call(LifecycleApi.ADMIN, HttpMethod.PUT,
                "/api/use-cases/" + USE_CASE + "/retention", Map.of("retentionPeriod", "P365D"));
        assertThat(set.getStatusCode().value()).as(String.valueOf(set.getBody())).isEqualTo(200);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (subjectInteractions(oldSubject) > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        assertThat(subjectInteractions(oldSubject)).as("deleted by the retention process").isZero();
        assertThat(jdbc.sql("select count(*) from interaction i join use_case u on u.id = i.use_case_id "
                + "where u.key = ?").param(USE_CASE).query(Long.class).single()).as("newer rows kept").isPositive();
        assertThat(datasetTainted(retrainedDataset)).isTrue();
        assertSplitsTruthful(retrainedDataset);
        assertThat(jdbc.sql("select tainted from model_version where id = ?").param(retrained).query(Boolean.class)
                .single()).isTrue();
        assertThat(filesContaining(retained)).as("files still holding rows past retention").isEmpty();
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'RETENTION_APPLIED' and entity_id = ?")
                .param(USE_CASE).query(Long.class).single()).isPositive();
    }

    private String page(String path) throws Exception {
        return console.perform(get(path).with(user("reviewer").roles("REVIEWER"))).andReturn().getResponse()
                .getContentAsString();
    }

    @Test
    void aCandidateErasedFromWhileInReviewCannotBeApproved() throws Exception {
        String useCase = "erasure-review";
        sampleData.loadInto(useCase);
        String subject = "erasure-review-subject-" + UUID.randomUUID();
        addRows(useCase, subject, "Brambleworth" + letters(8), 0, 30);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, useCase);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        String approval = awaiting.path("pendingApprovals").get(0).path("id").asText();

        JsonNode counts = api.call(LifecycleApi.ADMIN, HttpMethod.DELETE, "/api/subjects/" + subject, null).getBody()
                .path("counts");
        assertThat(counts.path("modelsTainted").asInt()).as("the candidate").isEqualTo(1);
        assertThat(counts.path("championsTainted").asInt()).isZero();
        assertThat(api.run(runId).path("taint").path("candidateTainted").asBoolean()).isTrue();
        assertThat(page("/console/reviews/" + approval)).contains("id=\"candidate-tainted\"");

        ResponseEntity<JsonNode> approved = api.decide(LifecycleApi.REVIEWER, approval, "APPROVE", "checked");
        assertThat(approved.getStatusCode().value()).as(String.valueOf(approved.getBody())).isEqualTo(409);
        assertThat(approved.getBody().path("type").asText()).endsWith("/candidate-tainted");
        assertThat(api.run(runId).path("status").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(api.decide(LifecycleApi.REVIEWER, approval, "REJECT", "trained on erased data")
                .getStatusCode().value()).isEqualTo(200);
        api.awaitStatus(runId, TIMEOUT, "REJECTED");
        assertThat(jdbc.sql("""
                        select count(*) from model_alias a join use_case u on u.id = a.use_case_id
                        join model_version m on m.id = a.model_version_id
                        where u.key = ? and a.alias = 'champion' and m.kind = 'FINE_TUNED'""")
                .param(useCase).query(Long.class).single()).as("nothing promoted").isZero();
    }

    /** Rows of one data subject, each a copy of a sample row's input with the marker in it, corrected. */
    private void addRows(String subjectId, String marker, int offset, int count) {
        addRows(USE_CASE, subjectId, marker, offset, count);
    }

    private void addRows(String useCase, String subjectId, String marker, int offset, int count) {
        List<Map<String, Object>> samples = jdbc.sql("""
                        select i.input, f.corrected_output from feedback f join interaction i on i.id = f.interaction_id
                        join use_case u on u.id = i.use_case_id
                        where u.key = ? and f.corrected_output is not null order by f.id offset ? limit ?""")
                .params(useCase, offset, count).query().listOfRows();
        assertThat(samples).hasSize(count);
        for (int k = 0; k < count; k++) {
            Map<String, Object> item = new HashMap<>();
            item.put("useCase", useCase);
            item.put("externalId", subjectId + "-" + k);
            item.put("subjectId", subjectId);
            item.put("input", "From " + marker + ": " + samples.get(k).get("input"));
            item.put("output", samples.get(k).get("corrected_output"));
            item.put("rating", 1);
            ResponseEntity<JsonNode> created = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", item);
            assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        }
    }

    private void promote(JsonNode awaiting) {
        UUID runId = UUID.fromString(awaiting.path("id").asText());
        String approval = awaiting.path("pendingApprovals").get(0).path("id").asText();
        ResponseEntity<JsonNode> approved = api.decide(LifecycleApi.REVIEWER, approval, "APPROVE", "checked");
        assertThat(approved.getStatusCode().value()).as(String.valueOf(approved.getBody())).isEqualTo(200);
        assertThat(api.awaitStatus(runId, TIMEOUT, "COMPLETED").path("outcome").asText()).isEqualTo("PROMOTED");
    }

    private long championModel() {
        return jdbc.sql("""
                        select a.model_version_id from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = ? and a.alias = 'champion'""").param(USE_CASE).query(Long.class).single();
    }

    private long evaluationExamplesHolding(String text) {
        return jdbc.sql("""
                        select count(*) from eval_example_result
                        where strpos(input, ?) > 0 or strpos(coalesce(output, ''), ?) > 0
                           or strpos(coalesce(expected, ''), ?) > 0 or strpos(verdicts::text, ?) > 0""")
                .params(text, text, text, text).query(Long.class).single();
    }

    private long modelCallsHolding(String text) {
        return jdbc.sql("select count(*) from model_call where strpos(input, ?) > 0 or strpos(coalesce(output, ''), ?) > 0")
                .params(text, text).query(Long.class).single();
    }

    private long subjectInteractions(String subjectId) {
        return jdbc.sql("select count(*) from interaction where subject_id = ?").param(subjectId).query(Long.class)
                .single();
    }

    private boolean datasetTainted(long dataset) {
        return jdbc.sql("select tainted from dataset_version where id = ?").param(dataset).query(Boolean.class)
                .single();
    }

    /**
     * Every split's lineage names only existing feedback rows, one per line of its file, and the file matches its
     * registered sha256.
     */
    private void assertSplitsTruthful(long dataset) throws IOException {
        assertThat(jdbc.sql("""
                        select count(*) from dataset_version_feedback d left join feedback f on f.id = d.feedback_id
                        where d.dataset_version_id = ? and f.id is null""").param(dataset).query(Long.class).single())
                .as("lineage naming deleted feedback").isZero();
        for (String split : List.of("train", "validation", "test")) {
            long artifact = jdbc.sql("select " + split + "_artifact_id from dataset_version where id = ?")
                    .param(dataset).query(Long.class).single();
            Path file = artifactFile(artifact);
            String sha256 = jdbc.sql("select sha256 from artifact where id = ?").param(artifact).query(String.class)
                    .single();
            assertThat(Sha256.of(file)).isEqualTo(sha256);
            long lines = Files.readAllLines(file).size();
            assertThat(lines).isEqualTo(jdbc.sql("""
                            select coalesce(cardinality(feedback_ids), 0) from dataset_split_feedback
                            where dataset_version_id = ? and split = ?""").params(dataset, split)
                    .query(Long.class).optional().orElse(0L));
            assertThat(lines).isEqualTo((long) jdbc.sql("select " + split + "_rows from dataset_version where id = ?")
                    .param(dataset).query(Integer.class).single());
        }
    }

    private Path artifactFile(long artifactId) {
        return Path.of(URI.create(jdbc.sql("select uri from artifact where id = ?").param(artifactId)
                .query(String.class).single()));
    }

    /** Every file under the artifact store whose bytes hold the text. */
    private List<Path> filesContaining(String text) throws IOException {
        Path root = Path.of(TestEnvironment.artifactDir());
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(file -> contains(file, text)).toList();
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            byte[] content = Files.readAllBytes(file);
            byte[] needle = text.getBytes(StandardCharsets.UTF_8);
            outer:
            for (int i = 0; i + needle.length <= content.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (content[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String letters(int n) {
        String alphabet = "bcdfghjklmnpqrstvwxz";
        StringBuilder out = new StringBuilder();
        UUID.randomUUID().toString().chars().filter(Character::isLetterOrDigit).limit(n)
                .forEach(c -> out.append(alphabet.charAt(c % alphabet.length())));
        return out.toString();
    }

    /**
     * The gate stage alone (as GateIT plants it) with a tainted candidate that is clearly better than the base
     * model: the table refuses it all the same.
     */
    private JsonNode gateAlone(long taintedModel) {
        long useCaseId = jdbc.sql("select id from use_case where key = ?").param(USE_CASE).query(Long.class).single();
        long base = jdbc.sql("select id from model_version where use_case_id = ? and kind = 'BASE' order by id limit 1")
                .param(useCaseId).query(Long.class).single();
        long prompt = jdbc.sql("select id from prompt_version where use_case_id = ? order by id limit 1")
                .param(useCaseId).query(Long.class).single();
        UUID runId = UUID.randomUUID();
        runs.insert(runId, useCaseId, "engineer");
        long championRun = evalRun(runId, useCaseId, "CHAMPION", base, prompt, 135, 113);
        long candidateRun = evalRun(runId, useCaseId, "CANDIDATE", taintedModel, prompt, 135, 130);
        Map<String, Object> variables = new HashMap<>();
        variables.put("runId", runId.toString());
        variables.put("datasetVersionId", 999);
        variables.put("championEvalRunId", championRun);
        variables.put("candidateEvalRunId", candidateRun);
        variables.put("championModelVersionId", base);
        variables.put("championPromptVersionId", prompt);
        variables.put("candidateModelVersionId", taintedModel);
        variables.put("tunedPromptVersionId", prompt);
        variables.put("leakage", Map.of("flagged", false, "testOverlapRate", 0.0));
        Map<String, Object> result = camunda.newCreateInstanceCommand().bpmnProcessId("lifecycle-gate")
                .latestVersion().variables(variables).withResult().requestTimeout(Duration.ofMinutes(2)).send()
                .join().getVariablesAsMap();
        runs.finish(runId, RunOutcome.CHAMPION_KEPT, null);
        return new ObjectMapper().valueToTree(result.get("gate"));
    }

    private long evalRun(UUID runId, long useCaseId, String role, long model, long prompt, int examples,
                         int passes) {
        long id = jdbc.sql("""
                        insert into eval_run (run_id, use_case_id, role, model_version_id, prompt_version_id, eval_set,
                                              examples, accuracy, macro_f1, task, primary_metric, primary_value)
                        values (?, ?, ?, ?, ?, 'dataset:999:test', ?, ?, 0, 'CLASSIFICATION', 'accuracy', ?)
                        returning id""")
                .params(runId, useCaseId, role, model, prompt, examples, (double) passes / examples,
                        (double) passes / examples)
                .query(Long.class).single();
        IntStream.range(0, examples).forEach(i -> {
            boolean pass = i < passes;
            jdbc.sql("""
                            insert into eval_example_result (eval_run_id, position, input, expected, output, passed,
                                                             value, verdicts, latency_ms, cost_usd)
                            values (?, ?, ?, 'billing', ?, ?, ?, ?::jsonb, 12.5, 0)""")
                    .params(id, i, "ticket " + i, pass ? "billing" : "other", pass, pass ? 1 : 0,
                            "[{\"scorer\":\"equals\",\"type\":\"equals\",\"value\":" + (pass ? 1 : 0)
                                    + ",\"passed\":" + pass + "}]")
                    .update();
        });
        return id;
    }
}
