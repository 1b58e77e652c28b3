package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every REST endpoint's success and error answers, over HTTP, checked in Postgres. */
@AppTest
class ApiIT {

    static final Duration TIMEOUT = Duration.ofMinutes(4);
    static final String PROBLEM = "https://hybridllm.org/problems/";

    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    final ObjectMapper json = new ObjectMapper();
    LifecycleApi api;

    @BeforeEach
    void api() {
        api = new LifecycleApi(http);
    }

    @Test
    void useCasesAreCreatedListedAndBadOnesRefused() {
        String key = "uc-" + UUID.randomUUID().toString().substring(0, 8);
        var created = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", useCase(key));
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        assertThat(created.getHeaders().getLocation()).hasToString("/api/use-cases/" + key);
        assertThat(created.getBody().path("labels")).hasSize(2);
        assertThat(jdbc.sql("select count(*) from eval_example e join use_case u on u.id = e.use_case_id "
                + "where u.key = ?").param(key).query(Long.class).single()).isEqualTo(2);

        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases", null).getBody())
                .anySatisfy(u -> assertThat(u.path("key").asText()).isEqualTo(key));
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/" + key, null).getBody()
                .path("baseModel").asText()).isEqualTo("all-minilm-l6-v2");

        long before = count("use_case");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", useCase(key)), 409,
                "use-case-exists", null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", useCase("Bad Key!")), 400,
                "invalid-request", "key");
        Map<String, Object> unknownProvider = useCase(key + "-x");
        unknownProvider.put("provider", "nope");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", unknownProvider), 400,
                "invalid-request", "provider");
        Map<String, Object> badEval = useCase(key + "-y");
        badEval.put("evalExamples", List.of(Map.of("input", "hi", "label", "unknown")));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", badEval), 400,
                "invalid-request", "evalExamples[0].label");
        Map<String, Object> badTarget = useCase(key + "-z");
        badTarget.put("targetAccuracy", 1.5);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", badTarget), 400,
                "invalid-request", "targetAccuracy");
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/use-cases", useCase(key + "-r"))
                .getStatusCode().value()).isEqualTo(403);
        assertThat(api.call(null, HttpMethod.GET, "/api/use-cases", null).getStatusCode().value()).isEqualTo(401);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/nope", null), 404,
                "use-case-not-found", null);
        assertThat(count("use_case")).isEqualTo(before);
    }

    @Test
    void promptVersionsAreContentAddressedAndDiffed() {
        String key = createUseCase();
        String base = "/api/use-cases/" + key + "/prompt-versions";
        Map<String, Object> v1 = prompt("Route the ticket.", List.of());
        var first = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, base, v1);
        assertThat(first.getStatusCode().value()).as(String.valueOf(first.getBody())).isEqualTo(201);
        assertThat(first.getBody().path("version").asInt()).isEqualTo(1);
        var same = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, base, v1);
        assertThat(same.getStatusCode().value()).isEqualTo(200);
        assertThat(same.getBody().path("id").asLong()).isEqualTo(first.getBody().path("id").asLong());
        var second = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, base, prompt("Route the support ticket.",
                List.of(Map.of("input", "my invoice is wrong", "label", "billing"))));
        assertThat(second.getStatusCode().value()).isEqualTo(201);
        assertThat(second.getBody().path("version").asInt()).isEqualTo(2);

        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, base, null).getBody()).hasSize(2);
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, base + "/2", null).getBody()
                .path("spec").path("fewShot")).hasSize(1);
        JsonNode diff = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, base + "/1/diff/2", null).getBody();
        assertThat(diff.path("changes")).extracting(c -> c.path("field").asText())
                .containsExactly("instruction", "fewShot");
        assertThat(diff.path("unifiedDiff").asText())
                .contains("--- prompt v1", "+++ prompt v2", "-instruction: Route the ticket.",
                        "+instruction: Route the support ticket.", "+example: my invoice is wrong => billing");

        long before = count("prompt_version");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, base,
                Map.of("instruction", "x", "inputTemplate", "no placeholder")), 400, "invalid-request",
                "inputTemplate");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, base, prompt("x",
                List.of(Map.of("input", "a", "label", "nope")))), 400, "invalid-request", "fewShot[0].label");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, base, Map.of("inputTemplate", "{{input}}")),
                400, "invalid-request", "instruction");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases/nope/prompt-versions", v1),
                404, "use-case-not-found", null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, base + "/1/diff/9", null), 404,
                "prompt-version-not-found", null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, base + "/one", null), 400,
                "invalid-request", "version");
        assertThat(count("prompt_version")).isEqualTo(before);
    }

    @Test
    void feedbackIsIngestedOneByOneAndAsAStreamedBatchAllOrNothing() {
        String key = createUseCase();
        api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases/" + key + "/prompt-versions",
                prompt("Route the ticket.", List.of()));

        var one = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "externalId", "t-1", "input", "refund please", "output", "billing", "promptVersion", 1,
                "rating", -1, "correctedOutput", "refund"));
        assertThat(one.getStatusCode().value()).as(String.valueOf(one.getBody())).isEqualTo(201);
        long interactionId = one.getBody().path("interactionId").asLong();
        assertThat(jdbc.sql("select corrected_output from feedback where id = ?")
                .param(one.getBody().path("feedbackId").asLong()).query(String.class).single()).isEqualTo("refund");
        // more feedback on the same interaction, by id, and by re-sending its external id: no second interaction
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "interactionId", interactionId, "comment", "still wrong")).getStatusCode().value()).isEqualTo(201);
        var again = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "externalId", "t-1", "input", "refund please", "rating", 1));
        assertThat(again.getBody().path("interactionId").asLong()).isEqualTo(interactionId);
        assertThat(again.getBody().path("interactionsCreated").asLong()).isZero();

        long interactions = count("interaction");
        long feedback = count("feedback");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "input", "x", "rating", 5)), 400, "invalid-request", "rating");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "input", "x", "correctedOutput", "not-a-label")), 400, "invalid-request", "correctedOutput");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "input", "x")), 400, "invalid-request", "rating");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", "nope",
                "input", "x", "rating", 1)), 400, "invalid-request", "useCase");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "input", "x", "rating", 1, "promptVersion", 7)), 400, "invalid-request", "promptVersion");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "interactionId", 999_999_999, "rating", 1)), 400, "invalid-request", "interactionId");
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "input", "x", "rating", 1)).getStatusCode().value()).isEqualTo(403);
        assertThat(count("interaction")).isEqualTo(interactions);
        assertThat(count("feedback")).isEqualTo(feedback);

        // a stream of 2,500 lines over several chunks; every fifth line re-sends an earlier external id
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 2500; i++) {
            String externalId = i % 5 == 4 ? "b-" + (i - 1) : "b-" + i;
            ndjson.append("{\"useCase\":\"").append(key).append("\",\"externalId\":\"").append(externalId)
                    .append("\",\"input\":\"ticket ").append(i).append("\",\"output\":\"billing\",\"promptVersion\":1,")
                    .append("\"rating\":").append(i % 2 == 0 ? 1 : -1).append("}\n");
            if (i == 10) {
                ndjson.append("\n"); // blank lines are skipped
            }
        }
        ResponseEntity<JsonNode> batch = ndjson(LifecycleApi.ENGINEER, ndjson.toString());
        assertThat(batch.getStatusCode().value()).as(String.valueOf(batch.getBody())).isEqualTo(200);
        assertThat(batch.getBody().path("items").asLong()).isEqualTo(2500);
        assertThat(batch.getBody().path("interactionsCreated").asLong()).isEqualTo(2000);
        assertThat(count("interaction") - interactions).isEqualTo(2000);
        assertThat(count("feedback") - feedback).isEqualTo(2500);

        // text COPY must escape, a correction of a recorded interaction (by id) and of one the batch creates:
        // each keeps the output it corrected
        String awkward = "tab\there, new\nline, back\\slash \\N, ünïcødé 🙂";
        ResponseEntity<JsonNode> copied = ndjson(LifecycleApi.ENGINEER,
                "{\"useCase\":\"" + key + "\",\"externalId\":\"c-1\",\"input\":" + quoted(awkward)
                        + ",\"output\":\"billing\",\"rating\":-1,\"correctedOutput\":\"refund\"}\n"
                        + "{\"useCase\":\"" + key + "\",\"externalId\":\"c-1\",\"input\":\"again\",\"output\":\"x\","
                        + "\"correctedOutput\":\"refund\"}\n"
                        + "{\"useCase\":\"" + key + "\",\"interactionId\":" + interactionId
                        + ",\"correctedOutput\":\"refund\",\"comment\":" + quoted(awkward) + "}\n");
        assertThat(copied.getStatusCode().value()).as(String.valueOf(copied.getBody())).isEqualTo(200);
        assertThat(copied.getBody().path("interactionsCreated").asLong()).isEqualTo(1);
        assertThat(jdbc.sql("select input from interaction i join use_case u on u.id = i.use_case_id "
                + "where u.key = ? and external_id = 'c-1'").param(key).query(String.class).single())
                .isEqualTo(awkward);
        assertThat(jdbc.sql("""
                        select f.original_output from feedback f join interaction i on i.id = f.interaction_id
                        join use_case u on u.id = i.use_case_id where u.key = ? and i.external_id = 'c-1'
                        order by f.id""").param(key).query(String.class).list()).containsExactly("billing", "billing");
        assertThat(jdbc.sql("select original_output from feedback where interaction_id = ? and comment = ?")
                .params(interactionId, awkward).query(String.class).single()).isEqualTo("billing");
        // a batch re-sending an interaction recorded by an earlier request attaches to it
        ResponseEntity<JsonNode> resent = ndjson(LifecycleApi.ENGINEER, "{\"useCase\":\"" + key
                + "\",\"externalId\":\"b-0\",\"input\":\"ticket 0\",\"output\":\"other\",\"rating\":-1,"
                + "\"correctedOutput\":\"refund\"}\n{\"useCase\":\"" + key + "\",\"externalId\":\"b-new\","
                + "\"input\":\"new one\",\"rating\":1}\n");
        assertThat(resent.getStatusCode().value()).as(String.valueOf(resent.getBody())).isEqualTo(200);
        assertThat(resent.getBody().path("interactionsCreated").asLong()).isEqualTo(1);
        assertThat(jdbc.sql("""
                        select count(*) from interaction i join use_case u on u.id = i.use_case_id
                        where u.key = ? and i.external_id = 'b-0'""").param(key).query(Long.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("""
                        select f.original_output from feedback f join interaction i on i.id = f.interaction_id
                        join use_case u on u.id = i.use_case_id
                        where u.key = ? and i.external_id = 'b-0' and f.corrected_output = 'refund'""")
                .param(key).query(String.class).single()).isEqualTo("billing");
        interactions += 2;
        feedback += 5;

        // one bad line in the middle: the whole batch is refused, naming the line and field, nothing is stored
        String bad = ("{\"useCase\":\"" + key + "\",\"input\":\"a\",\"rating\":1}\n").repeat(1499)
                + "{\"useCase\":\"" + key + "\",\"input\":\"a\",\"raiting\":1}\n"
                + "{\"useCase\":\"" + key + "\",\"input\":\"a\",\"rating\":1}\n";
        ResponseEntity<JsonNode> refused = ndjson(LifecycleApi.ENGINEER, bad);
        assertProblem(refused, 400, "invalid-request", "raiting");
        assertThat(refused.getBody().path("line").asInt()).isEqualTo(1500);
        assertProblem(ndjson(LifecycleApi.ENGINEER, "{not json\n"), 400, "invalid-request", "body");
        assertProblem(ndjson(LifecycleApi.ENGINEER, "\n\n"), 400, "invalid-request", "body");
        assertThat(count("interaction") - interactions).isEqualTo(2000);
        assertThat(count("feedback") - feedback).isEqualTo(2500);

        // listing: by use case and prompt version, paged
        JsonNode page = api.call(LifecycleApi.ENGINEER, HttpMethod.GET,
                "/api/feedback?useCase=" + key + "&promptVersion=1&page=1&size=100", null).getBody();
        assertThat(page.path("totalItems").asLong()).isEqualTo(2505); // 4 on t-1, 2,501 on the batch's interactions
        assertThat(page.path("items")).hasSize(100);
        assertThat(page.path("items").get(0).path("promptVersion").asInt()).isEqualTo(1);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/feedback?promptVersion=1", null), 400,
                "invalid-request", "promptVersion");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/feedback?size=0", null), 400,
                "invalid-request", "size");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/feedback?run=not-a-uuid", null), 400,
                "invalid-request", "run");
    }

    /**
     * The dataset stage's leakage-aware split: the version's API and the run's carry the same leakage, measured
     * on every test row of the sample, under the flag threshold; every row of a split file has a cluster key, in
     * the file's order.
     */
    @Test
    void theDatasetAndTheRunReportTheSplitsLeakage() throws Exception {
        String key = "api-leakage";
        sampleData.loadInto(key);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
        JsonNode run = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        JsonNode datasets = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets?useCase=" + key, null)
                .getBody();
        long datasetId = datasets.get(0).path("id").asLong();
        JsonNode dataset = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets/" + datasetId, null)
                .getBody();
        JsonNode leakage = dataset.path("leakage");
        assertThat(leakage.path("method").asText()).isEqualTo("minhash-5gram-jaccard");
        assertThat(leakage.path("threshold").asDouble()).isEqualTo(0.7);
        assertThat(leakage.path("groups").asInt()).isPositive(); // the sample is templated: near-duplicates exist
        assertThat(leakage.path("groupedRows").asInt()).isGreaterThanOrEqualTo(2 * leakage.path("groups").asInt());
        assertThat(leakage.path("testRowsChecked").asInt()).isEqualTo(dataset.path("testRows").asInt());
        assertThat(leakage.path("testOverlapRate").asDouble()).isBetween(0.0, 0.05);
        assertThat(leakage.path("flagThreshold").asDouble()).isEqualTo(0.05);
        assertThat(leakage.path("flagged").asBoolean()).isFalse();
        assertThat(leakage.has("nearDuplicatesAcrossSplits")).isTrue();
        assertThat(run.path("leakage")).isEqualTo(leakage);

        List<String> clusterKeys = jdbc.sql("""
                        select cluster_key from dataset_version_feedback
                        where dataset_version_id = ? and split = 'test' order by position""")
                .param(datasetId).query(String.class).list();
        assertThat(clusterKeys).hasSize(dataset.path("testRows").asInt()).doesNotContainNull()
                .allSatisfy(k -> assertThat(k).matches("(subject|near-duplicate):.+"));
        List<Integer> positions = jdbc.sql("""
                        select position from dataset_version_feedback
                        where dataset_version_id = ? and split = 'test' order by feedback_id""")
                .param(datasetId).query(Integer.class).list();
        assertThat(positions).isSorted().first().isEqualTo(0); // the file is in feedback id order
    }

    @Test
    void aRunsDatasetLineageModelsAndChampionRollbackThroughTheApi() throws Exception {
        String key = "api-lineage";
        sampleData.loadInto(key);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");

        // runs: list, filtered and paged
        JsonNode listed = api.call(LifecycleApi.ENGINEER, HttpMethod.GET,
                "/api/runs?useCase=" + key + "&status=AWAITING_APPROVAL&size=5", null).getBody();
        assertThat(listed.path("totalItems").asLong()).isEqualTo(1);
        assertThat(listed.path("items").get(0).path("id").asText()).isEqualTo(runId.toString());
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/runs?useCase=" + key + "&status=COMPLETED",
                null).getBody().path("totalItems").asLong()).isZero();
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/runs?status=DONE", null), 400,
                "invalid-request", "status");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/runs?page=-1", null), 400,
                "invalid-request", "page");

        // datasets: list, get, lineage, download verified against the registered hash
        JsonNode datasets = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets?useCase=" + key, null)
                .getBody();
        assertThat(datasets).hasSize(1);
        long datasetId = datasets.get(0).path("id").asLong();
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets/" + datasetId, null).getBody()
                .path("runId").asText()).isEqualTo(runId.toString());
        JsonNode lineage = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets/" + datasetId + "/lineage",
                null).getBody();
        assertThat(lineage.path("files")).hasSize(3);
        long linked = jdbc.sql("select count(*) from dataset_version_feedback where dataset_version_id = ?")
                .param(datasetId).query(Long.class).single();
        assertThat(lineage.path("feedbackRows").asLong()).isEqualTo(linked).isPositive();
        assertThat(lineage.path("models")).hasSize(1);
        assertThat(lineage.path("fineTuneJobs").get(0).path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode train = lineage.path("files").get(0);
        HttpHeaders auth = new HttpHeaders();
        auth.setBasicAuth(LifecycleApi.ENGINEER, "engineer-dev");
        ResponseEntity<byte[]> file = http.exchange(train.path("download").asText(), HttpMethod.GET,
                new HttpEntity<>(auth), byte[].class);
        assertThat(file.getStatusCode().value()).isEqualTo(200);
        assertThat(file.getHeaders().getContentType()).hasToString("application/jsonl");
        assertThat(Sha256.of(file.getBody())).isEqualTo(train.path("sha256").asText());
        assertThat(new String(file.getBody()).lines().count()).isEqualTo(train.path("rows").asLong());
        assertThat(new String(file.getBody()).lines().findFirst().orElseThrow()).contains("\"messages\"");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets/" + datasetId
                + "/files/other.jsonl", null), 400, "invalid-request", "split");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets/999999", null), 404,
                "dataset-not-found", null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/datasets?useCase=nope", null), 400,
                "invalid-request", "useCase");
        JsonNode byRun = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/feedback?run=" + runId + "&size=1",
                null).getBody();
        assertThat(byRun.path("totalItems").asLong()).isEqualTo(linked);

        // approvals: pending list, then promotion
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.GET, "/api/approvals", null).getBody())
                .anySatisfy(a -> assertThat(a.path("id").asText()).isEqualTo(approvalId));
        assertThat(api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "ok").getStatusCode().value())
                .isEqualTo(200);
        JsonNode done = api.awaitStatus(runId, TIMEOUT, "COMPLETED");
        assertThat(done.path("outcome").asText()).isEqualTo("PROMOTED");

        // models and aliases
        JsonNode models = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/" + key + "/models", null)
                .getBody();
        assertThat(models).extracting(m -> m.path("kind").asText()).contains("BASE", "FINE_TUNED");
        long fineTuned = lineage.path("models").get(0).path("id").asLong();
        JsonNode aliases = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/" + key + "/aliases", null)
                .getBody();
        assertThat(aliases.path("current").get(0).path("modelVersionId").asLong()).isEqualTo(fineTuned);
        long baseModel = -1;
        for (JsonNode change : aliases.path("history")) { // newest first: the last champion entry is the first
            if (change.path("alias").asText().equals("champion")) {
                baseModel = change.path("modelVersionId").asLong();
            }
        }
        assertThat(baseModel).isNotEqualTo(fineTuned);

        // roll back: only to a previous champion, with a reason; recorded in history and audit
        String rollback = "/api/use-cases/" + key + "/champion/rollback";
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, rollback, Map.of()), 400, "invalid-request",
                "reason");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, rollback,
                Map.of("modelVersionId", fineTuned, "reason", "x")), 409, "already-champion", null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, rollback,
                Map.of("modelVersionId", 987654, "reason", "x")), 400, "invalid-request", "modelVersionId");
        var rolledBack = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, rollback,
                Map.of("reason", "complaints about refunds"));
        assertThat(rolledBack.getStatusCode().value()).as(String.valueOf(rolledBack.getBody())).isEqualTo(200);
        assertThat(rolledBack.getBody().path("modelVersionId").asLong()).isEqualTo(baseModel);
        assertThat(jdbc.sql("""
                        select changed_by from model_alias_history h join use_case u on u.id = h.use_case_id
                        where u.key = ? order by h.id desc limit 1""").param(key).query(String.class).single())
                .isEqualTo(LifecycleApi.ENGINEER);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'CHAMPION_ROLLED_BACK' "
                + "and details->>'reason' = 'complaints about refunds'").query(Long.class).single()).isEqualTo(1);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases/nope/champion/rollback",
                Map.of("reason", "x")), 404, "use-case-not-found", null);
    }

    @Test
    void aCancelledRunEndsWithItsPendingApprovalAndCannotBeCancelledTwice() {
        String key = "api-cancel";
        sampleData.loadInto(key);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();

        assertThat(api.call(LifecycleApi.REVIEWER, HttpMethod.POST, "/api/runs/" + runId + "/cancel", Map.of())
                .getStatusCode().value()).isEqualTo(403);
        var cancelled = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/cancel",
                Map.of("reason", "wrong data export"));
        assertThat(cancelled.getStatusCode().value()).as(String.valueOf(cancelled.getBody())).isEqualTo(200);
        assertThat(cancelled.getBody().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.getBody().path("failureReason").asText()).contains("wrong data export");
        assertThat(jdbc.sql("select status from approval where id = ?").param(UUID.fromString(approvalId))
                .query(String.class).single()).isEqualTo("CANCELLED");
        // a cancelled gate cannot be decided, a cancelled run cannot be cancelled or resumed
        assertProblem(api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "late"), 409, "already-decided", null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/cancel", null), 409,
                "run-not-cancellable", null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + runId + "/resume", null), 409,
                "run-not-interrupted", null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs/" + UUID.randomUUID() + "/cancel",
                null), 404, "run-not-found", null);
        // the process instance is gone: the run stays CANCELLED and no stage runs after it
        LifecycleApi.sleep(2000);
        assertThat(api.run(runId).path("status").asText()).isEqualTo("CANCELLED");
        assertThat(jdbc.sql("select count(*) from run_stage where run_id = ? and completed_at > "
                + "(select finished_at from lifecycle_run where id = ?)").params(runId, runId).query(Long.class)
                .single()).isZero();
    }

    /**
     * Text PostgreSQL cannot store (U+0000, an unpaired surrogate) in any JSON body: a 400 naming the field by its
     * path, nothing stored; before, a 500 (NUL) or a '?' silently stored in its place (the surrogate).
     */
    @Test
    void textPostgresCannotStoreIsRefusedNamingTheFieldAndStoresNothing() throws Exception {
        String key = createUseCase();
        long interactions = count("interaction");
        long feedback = count("feedback");
        long useCases = count("use_case");
        long runs = count("lifecycle_run");
        long prompts = count("prompt_version");

        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key,
                "input", "charged twice\u0000", "rating", 1)), 400, "invalid-request", "input");
        var surrogate = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", "{\"useCase\": \"" + key
                + "\", \"input\": \"x\", \"rating\": 1, \"comment\": \"broken \\udc00 emoji\"}");
        assertProblem(surrogate, 400, "invalid-request", "comment");
        assertThat(surrogate.getBody().path("detail").asText())
                .isEqualTo("Field 'comment' holds an unpaired surrogate U+DC00 at index 7, which cannot be stored;"
                        + " remove or replace it.");
        ResponseEntity<JsonNode> line = ndjson(LifecycleApi.ENGINEER,
                "{\"useCase\":\"" + key + "\",\"input\":\"a\",\"rating\":1}\n"
                        + "{\"useCase\":\"" + key + "\",\"input\":\"a\",\"rating\":1,\"comment\":\"\\u0000\"}\n");
        assertProblem(line, 400, "invalid-request", "comment");
        assertThat(line.getBody().path("line").asInt()).isEqualTo(2);

        Map<String, Object> badLabel = useCase(key + "-nul");
        badLabel.put("labels", List.of(Map.of("label", "billing", "description", "Invoices"),
                Map.of("label", "refund", "description", "Money\u0000back")));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", badLabel), 400,
                "invalid-request", "labels[1].description");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases/" + key + "/prompt-versions",
                "{\"instruction\": \"Route it.\", \"inputTemplate\": \"{{input}}\", \"fewShot\": ["
                        + "{\"input\": \"ok\", \"label\": \"billing\"}, {\"input\": \"\\ud800\", \"label\": \"refund\"}]}"),
                400, "invalid-request", "fewShot[1].input");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/runs", Map.of("useCase",
                key + "\u0000")), 400, "invalid-request", "useCase");

        // a query parameter is not checked on its way in: the database's refusal is still the client's 400
        HttpResponse<String> query = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(http.getRootUri() + "/api/feedback?useCase=a%00b"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "engineer:engineer-dev".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(query.statusCode()).as(query.body()).isEqualTo(400);
        assertThat(query.body()).contains(PROBLEM + "invalid-request");

        assertThat(count("interaction")).isEqualTo(interactions);
        assertThat(count("feedback")).isEqualTo(feedback);
        assertThat(count("use_case")).isEqualTo(useCases);
        assertThat(count("lifecycle_run")).isEqualTo(runs);
        assertThat(count("prompt_version")).isEqualTo(prompts);
    }

    @Test
    void unknownPathsAndWrongMethodsAnswerWithTypedProblems() {
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/nothing-here", null), 404, "not-found",
                null);
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.DELETE, "/api/use-cases", null), 405,
                "method-not-allowed", null);
        HttpHeaders headers = new HttpHeaders();
        headers.setBasicAuth(LifecycleApi.ENGINEER, "engineer-dev");
        headers.setContentType(MediaType.TEXT_PLAIN);
        ResponseEntity<String> wrongType = http.exchange("/api/feedback/batch", HttpMethod.POST,
                new HttpEntity<>("x", headers), String.class);
        assertThat(wrongType.getStatusCode().value()).isEqualTo(415);
        assertThat(wrongType.getBody()).contains(PROBLEM + "unsupported-media-type");
    }

    @Test
    void theServedOpenApiDocumentIsValidAndListsEveryEndpoint() throws Exception {
        ResponseEntity<String> served = http.getForEntity("/v3/api-docs", String.class);
        assertThat(served.getStatusCode().value()).isEqualTo(200);
        JsonNode docs = json.readTree(served.getBody());
        assertThat(docs.path("openapi").asText()).startsWith("3.");
        assertThat(docs.path("info").path("title").asText()).isNotBlank();
        // every path of the app's /api controllers, with each of its methods, is described
        Set<String> expected = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            for (String path : entry.getKey().getPatternValues()) {
                if (path.startsWith("/api/")) {
                    entry.getKey().getMethodsCondition().getMethods()
                            .forEach(m -> expected.add(m.name().toLowerCase() + " " + path));
                }
            }
        }
        Set<String> described = new TreeSet<>();
        docs.path("paths").properties().forEach(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> described.add(m + " " + p.getKey())));
        assertThat(expected).hasSizeGreaterThan(25);
        assertThat(described).containsAll(expected);
        // each operation is well-formed: responses present, path parameters declared
        docs.path("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            assertThat(op.getValue().path("responses").size()).as(op.getKey() + " " + p.getKey()).isPositive();
            List<String> declared = new ArrayList<>();
            op.getValue().path("parameters").forEach(param -> {
                if (param.path("in").asText().equals("path")) {
                    declared.add(param.path("name").asText());
                }
            });
            Matcher placeholders = Pattern.compile("\\{([^}]+)}").matcher(p.getKey());
            while (placeholders.find()) {
                assertThat(declared).as(op.getKey() + " " + p.getKey()).contains(placeholders.group(1));
            }
        }));
        assertThat(http.getForEntity("/swagger-ui/index.html", String.class).getStatusCode().value()).isEqualTo(200);
    }

    /**
     * What Swagger UI needs to be usable: a title, version and description; an Authorize button for each way in
     * (HTTP Basic for /api, a gateway key as bearer token for /v1); every operation summarised, under a declared
     * tag, with its path's security; and request bodies typed (a schema of named properties, not a free map).
     */
    @Test
    void theOpenApiDocumentSummarisesTagsAndSecuresEveryOperationAndTypesItsRequestBodies() throws Exception {
        JsonNode docs = json.readTree(http.getForEntity("/v3/api-docs", String.class).getBody());
        JsonNode info = docs.path("info");
        assertThat(info.path("title").asText()).isEqualTo("LLM customisation lifecycle");
        assertThat(info.path("version").asText()).as("the build's version").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(info.path("description").asText()).contains("/api/**").contains("/v1/**");
        JsonNode schemes = docs.path("components").path("securitySchemes");
        assertThat(schemes.path("basicAuth").path("type").asText()).isEqualTo("http");
        assertThat(schemes.path("basicAuth").path("scheme").asText()).isEqualTo("basic");
        assertThat(schemes.path("gatewayKey").path("type").asText()).isEqualTo("http");
        assertThat(schemes.path("gatewayKey").path("scheme").asText()).isEqualTo("bearer");
        Set<String> declaredTags = new TreeSet<>();
        docs.path("tags").forEach(tag -> {
            if (!tag.path("description").asText().isBlank()) {
                declaredTags.add(tag.path("name").asText());
            }
        });
        JsonNode schemas = docs.path("components").path("schemas");

        List<String> problems = new ArrayList<>();
        Set<String> operations = new TreeSet<>();
        Set<String> typedBodies = new TreeSet<>();
        docs.path("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            String path = p.getKey();
            String name = op.getKey() + " " + path;
            operations.add(name);
            JsonNode operation = op.getValue();
            if (operation.path("summary").asText().isBlank()) {
                problems.add(name + ": no summary");
            }
            if (operation.path("tags").isEmpty()) {
                problems.add(name + ": no tag");
            }
            operation.path("tags").forEach(tag -> {
                if (!declaredTags.contains(tag.asText())) {
                    problems.add(name + ": tag '" + tag.asText() + "' not declared with a description");
                }
            });
            String scheme = path.startsWith("/v1/") ? "gatewayKey" : path.startsWith("/api/webhooks/") ? null
                    : "basicAuth";
            List<String> security = new ArrayList<>();
            operation.path("security").forEach(requirement -> requirement.fieldNames().forEachRemaining(security::add));
            if (!security.equals(scheme == null ? List.of() : List.of(scheme))) {
                problems.add(name + ": security " + security + ", expected " + scheme);
            }
            JsonNode body = operation.path("requestBody");
            if (!body.isMissingNode()) {
                if (body.path("content").isEmpty()) {
                    problems.add(name + ": a request body without content");
                }
                body.path("content").properties().forEach(media -> {
                    JsonNode schema = media.getValue().path("schema");
                    String ref = schema.path("$ref").asText();
                    JsonNode resolved = ref.isEmpty() ? schema
                            : schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
                    boolean json = media.getKey().contains("json");
                    if (resolved.isMissingNode() || resolved.isEmpty()) {
                        problems.add(name + " " + media.getKey() + ": no schema");
                    } else if (json && resolved.path("properties").isEmpty()) {
                        problems.add(name + " " + media.getKey() + ": an untyped body " + schema);
                    } else {
                        typedBodies.add(name);
                    }
                });
            }
        }));
        assertThat(problems).isEmpty();
        assertThat(operations).hasSizeGreaterThan(30)
                .contains("get /v1/models", "get /v1/models/{id}", "post /v1/chat/completions", "post /v1/feedback")
                .noneMatch(operation -> operation.contains("**"));
        assertThat(typedBodies).contains("post /v1/chat/completions", "post /v1/feedback", "post /api/runs",
                "post /api/use-cases");
    }

    private String quoted(String text) {
        try {
            return json.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ResponseEntity<JsonNode> ndjson(String user, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setBasicAuth(user, "engineer-dev");
        headers.setContentType(MediaType.parseMediaType("application/x-ndjson"));
        ResponseEntity<String> response = http.exchange("/api/feedback/batch", HttpMethod.POST,
                new HttpEntity<>(body, headers), String.class);
        try {
            return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                    .body(json.readTree(response.getBody()));
        } catch (Exception e) {
            throw new AssertionError(response.getBody(), e);
        }
    }

    @Test
    void everyTaskKindTakesItsOwnContractAndRefusesTheOthers() throws Exception {
        String key = "kinds-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> schema = Map.of("$schema", "https://json-schema.org/draft/2020-12/schema",
                "type", "object", "additionalProperties", false,
                "properties", Map.of("orderId", Map.of("type", "string", "pattern", "^#[0-9]{5}$"),
                        "amount", Map.of("type", "number"),
                        "action", Map.of("type", "string", "enum", List.of("refund", "cancel"))),
                "required", List.of("action"));
        Map<String, Object> extraction = kind(key + "-x", "EXTRACTION");
        extraction.put("outputSchema", schema);
        extraction.put("fieldRules", Map.of("orderId", Map.of("match", "exact", "critical", true),
                "amount", Map.of("match", "numeric", "tolerance", 0.01)));
        extraction.put("evalExamples", List.of(Map.of("input", "Refund #12345, $40 please",
                "expected", Map.of("orderId", "#12345", "amount", 40, "action", "refund"))));
        var created = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", extraction);
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        assertThat(created.getBody().path("task").asText()).isEqualTo("EXTRACTION");
        assertThat(created.getBody().path("contract").path("outputSchema").path("required").get(0).asText())
                .isEqualTo("action");
        assertThat(created.getBody().path("contract").path("version").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("select e.expected from eval_example e join use_case u on u.id = e.use_case_id "
                + "where u.key = ?").param(key + "-x").query(String.class).single()).contains("\"orderId\":\"#12345\"");

        Map<String, Object> generation = kind(key + "-g", "GENERATION");
        generation.put("rubric", List.of(Map.of("name", "polite", "criterion", "The reply is polite.")));
        generation.put("evalExamples", List.of(Map.of("input", "Where is my parcel?",
                "expected", "Hello, your parcel ships tomorrow.")));
        var reply = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/" + key + "-g", null);
        assertThat(reply.getStatusCode().value()).isEqualTo(404);
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", generation)
                .getStatusCode().value()).isEqualTo(201);
        JsonNode shown = api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/" + key + "-g", null)
                .getBody();
        assertThat(shown.path("task").asText()).isEqualTo("GENERATION");
        assertThat(shown.path("contract").path("rubric").get(0).path("name").asText()).isEqualTo("polite");

        // a chat template with few-shot turns; an extraction few-shot output must satisfy the schema
        String prompts = "/api/use-cases/" + key + "-x/prompt-versions";
        Map<String, Object> template = new HashMap<>(Map.of("messages", List.of(
                        Map.of("role", "system", "content", "Extract the order."),
                        Map.of("role", "user", "content", "Ticket: {{input}}")),
                "fewShot", List.of(Map.of("input", "Cancel #54321", "output", Map.of("orderId", "#54321",
                        "action", "cancel"))),
                "settings", Map.of("temperature", 0.2, "maxTokens", 200), "responseFormat", "json_schema"));
        var prompt = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, prompts, template);
        assertThat(prompt.getStatusCode().value()).as(String.valueOf(prompt.getBody())).isEqualTo(201);
        assertThat(prompt.getBody().path("spec").path("fewShot").get(0).path("output").path("orderId").asText())
                .isEqualTo("#54321");

        long useCases = count("use_case");
        long contracts = count("use_case_contract");
        long examples = count("eval_example");
        long promptVersions = count("prompt_version");
        long feedback = count("feedback");
        Map<String, Object> unknownTask = kind(key + "-u", "TRANSLATION");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", unknownTask), 400,
                "invalid-request", "task");
        Map<String, Object> invalidSchema = kind(key + "-s", "EXTRACTION");
        invalidSchema.put("outputSchema", Map.of("type", "object", "properties", Map.of("a", Map.of("type", 7))));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", invalidSchema), 400,
                "invalid-request", "outputSchema");
        Map<String, Object> noSchema = kind(key + "-n", "EXTRACTION");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", noSchema), 400,
                "invalid-request", "outputSchema");
        Map<String, Object> labelledGeneration = kind(key + "-l", "GENERATION");
        labelledGeneration.put("labels", List.of(Map.of("label", "a", "description", "A")));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", labelledGeneration), 400,
                "invalid-request", "labels");
        Map<String, Object> noLabels = kind(key + "-c", "CLASSIFICATION");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", noLabels), 400,
                "invalid-request", "labels");
        Map<String, Object> badExpected = kind(key + "-e", "EXTRACTION");
        badExpected.put("outputSchema", schema);
        badExpected.put("evalExamples", List.of(Map.of("input", "x", "expected", Map.of("action", "shout"))));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", badExpected), 400,
                "invalid-request", "evalExamples[0].expected");
        Map<String, Object> badRule = kind(key + "-r", "EXTRACTION");
        badRule.put("outputSchema", schema);
        badRule.put("fieldRules", Map.of("colour", Map.of("match", "exact")));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", badRule), 400,
                "invalid-request", "fieldRules.colour");
        Map<String, Object> badScorer = kind(key + "-b", "GENERATION");
        badScorer.put("scorers", List.of(Map.of("type", "regex")));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", badScorer), 400,
                "invalid-request", "scorers[0].pattern");
        Map<String, Object> judgeless = kind(key + "-j", "GENERATION");
        judgeless.put("scorers", List.of(Map.of("type", "llm-rubric")));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", judgeless), 400,
                "invalid-request", "scorers[0].type");
        Map<String, Object> mistyped = kind(key + "-m", "GENERATION");
        mistyped.put("rubric", "be polite");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", mistyped), 400,
                "invalid-request", "rubric");
        Map<String, Object> mistypedDeep = kind(key + "-d", "GENERATION");
        mistypedDeep.put("rubric", List.of(Map.of("name", List.of("a"), "criterion", "x")));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", mistypedDeep), 400,
                "invalid-request", "rubric[0].name");
        Map<String, Object> localJudge = kind(key + "-k", "GENERATION");
        localJudge.put("judge", Map.of("provider", "local", "model", "x"));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", localJudge), 400,
                "invalid-request", "judge.provider");
        Map<String, Object> textFormat = new HashMap<>(template);
        textFormat.put("fewShot", List.of(Map.of("input", "Cancel #54321", "output", Map.of("action", "shout"))));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, prompts, textFormat), 400,
                "invalid-request", "fewShot[0].output");
        Map<String, Object> schemaFormat = new HashMap<>(template);
        schemaFormat.remove("fewShot");
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST,
                "/api/use-cases/" + key + "-g/prompt-versions", schemaFormat), 400, "invalid-request",
                "responseFormat");
        Map<String, Object> noVariable = new HashMap<>(template);
        noVariable.put("messages", List.of(Map.of("role", "user", "content", "no variable here")));
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, prompts, noVariable), 400,
                "invalid-request", "messages");
        // a correction of an extraction output is a JSON object that satisfies the schema
        assertProblem(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key + "-x",
                        "input", "Refund #12345", "output", Map.of("action", "refund"), "rating", -1,
                        "correctedOutput", Map.of("orderId", "12345", "action", "refund"))), 400,
                "invalid-request", "correctedOutput");
        assertThat(List.of(count("use_case"), count("use_case_contract"), count("eval_example"),
                count("prompt_version"), count("feedback")))
                .containsExactly(useCases, contracts, examples, promptVersions, feedback);

        var corrected = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback", Map.of("useCase", key + "-x",
                "input", "Refund #12345", "output", Map.of("action", "cancel"), "rating", -1,
                "correctedOutput", Map.of("orderId", "#12345", "action", "refund")));
        assertThat(corrected.getStatusCode().value()).as(String.valueOf(corrected.getBody())).isEqualTo(201);
        Map<String, Object> row = jdbc.sql("select corrected_output, original_output from feedback where id = ?")
                .param(corrected.getBody().path("feedbackId").asLong()).query().singleRow();
        // stored as the JSON object's compact text (key order as the client sent it; Map.of's is unspecified)
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree((String) row.get("corrected_output")))
                .isEqualTo(json.readTree("{\"orderId\":\"#12345\",\"action\":\"refund\"}"));
        assertThat(row.get("original_output")).isEqualTo("{\"action\":\"cancel\"}");

        // a new contract version; the task kind stays
        var updated = api.call(LifecycleApi.ENGINEER, HttpMethod.PUT, "/api/use-cases/" + key + "-g/contract",
                Map.of("rubric", List.of(Map.of("name", "polite", "criterion", "The reply is polite."),
                        Map.of("name", "concise", "criterion", "The reply has at most three sentences."))));
        assertThat(updated.getStatusCode().value()).as(String.valueOf(updated.getBody())).isEqualTo(200);
        assertThat(updated.getBody().path("contract").path("version").asInt()).isEqualTo(2);
        assertThat(updated.getBody().path("contract").path("rubric")).hasSize(2);
    }

    private static Map<String, Object> kind(String key, String task) {
        Map<String, Object> body = useCase(key);
        body.remove("labels");
        body.remove("evalExamples");
        body.put("task", task);
        return body;
    }

    private void assertProblem(ResponseEntity<JsonNode> response, int status, String type, String field) {
        assertThat(response.getStatusCode().value()).as(String.valueOf(response.getBody())).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(response.getBody().path("type").asText()).isEqualTo(PROBLEM + type);
        assertThat(response.getBody().path("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(response.getBody().path("field").asText()).as(String.valueOf(response.getBody()))
                    .isEqualTo(field);
        }
    }

    private String createUseCase() {
        String key = "uc-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", useCase(key))
                .getStatusCode().value()).isEqualTo(201);
        return key;
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }

    private static Map<String, Object> useCase(String key) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", key);
        body.put("name", "Refund routing");
        body.put("labels", List.of(Map.of("label", "billing", "description", "Invoices and charges"),
                Map.of("label", "refund", "description", "Money back")));
        body.put("targetAccuracy", 0.9);
        body.put("minLabelledExamples", 50);
        body.put("baseModel", "all-minilm-l6-v2");
        body.put("evalExamples", List.of(Map.of("input", "charged twice", "label", "billing"),
                Map.of("input", "I want my money back", "label", "refund")));
        return body;
    }

    private static Map<String, Object> prompt(String instruction, List<Map<String, String>> fewShot) {
        return Map.of("instruction", instruction, "inputTemplate", "Ticket: {{input}}", "labelDescriptions", true,
                "fewShot", fewShot);
    }
}
