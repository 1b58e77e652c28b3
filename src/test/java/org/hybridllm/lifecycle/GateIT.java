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
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.usecase.OutputContract;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The gate stage (lifecycle-gate) alone on the real engine: per-example results of champion and candidate on a
 * test split are planted in Postgres, the stage computes the statistics, the DMN table promotion-gate decides, and
 * the verdict is recorded (gate_result, process variables, GET /api/runs/{id} → gate).
 */
@AppTest
class GateIT {

    static final List<String> LABELS = List.of("billing", "shipping", "account", "outage", "refund");

    @Autowired
    CamundaClient camunda;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    RunRepository runs;
    @Autowired
    UseCaseRepository useCases;
    @Autowired
    PromptVersionRepository prompts;
    @Autowired
    ModelRegistry models;
    @Autowired
    TestRestTemplate http;

    LifecycleApi api;

    @BeforeEach
    void api() {
        api = new LifecycleApi(http);
    }

    @Test
    void aClearlyBetterCandidateIsPromotedAndOfferedAsChallenger() {
        // 135 examples: 0.837 → 0.948, b = 17, c = 2
        Gated gated = gate("gate-promote", null, 135, i -> i < 113,
                i -> (i < 113 && i != 0 && i != 1) || (i >= 113 && i < 130));

        assertThat(gated.verdict()).isEqualTo("PROMOTE");
        assertThat(gated.gate().path("pValue").asDouble()).isLessThan(0.001);
        assertThat(gated.gate().path("ci").get(0).asDouble()).isGreaterThan(0);
        assertThat(gated.gate().path("reasons").get(0).asText()).contains("better by more than the minimum gain");
        Map<String, Object> row = jdbc.sql("select verdict, metric, test, revision, attempt from gate_result"
                + " where run_id = ?").param(gated.runId()).query().singleRow();
        assertThat(row).containsEntry("verdict", "PROMOTE").containsEntry("metric", "accuracy")
                .containsEntry("test", "mcnemar-exact").containsEntry("revision", 0).containsEntry("attempt", 1);
        assertThat(jdbc.sql("""
                        select a.run_id from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = 'gate-promote' and a.alias = 'challenger'""").query(UUID.class).single())
                .as("offered as challenger").isEqualTo(gated.runId());
        JsonNode run = api.run(gated.runId());
        assertThat(run.path("gate").path("verdict").asText()).isEqualTo("PROMOTE");
        assertThat(run.path("gate").path("examples").asInt()).isEqualTo(135);
        assertThat(run.path("gate").path("evalSet").path("examples").asInt()).as("the curated set, secondary")
                .isEqualTo(40);
        assertThat(jdbc.sql("select count(*) from audit_event where run_id = ? and action = 'GATE_DECIDED'")
                .param(gated.runId()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aDifferenceOfNoiseIsInconclusiveAndSaysHowManyMoreExamples() {
        Gated gated = gate("gate-noise", null, 135, i -> i < 104, i -> i < 100 || (i >= 110 && i < 116));

        assertThat(gated.verdict()).isEqualTo("INCONCLUSIVE");
        assertThat(gated.gate().path("additionalExamplesNeeded").asInt()).isEqualTo(2647 - 135);
        assertThat(gated.gate().path("reasons").toString()).contains("2512 more test examples");
        assertThat(challenger("gate-noise")).as("nothing offered").isZero();
    }

    @Test
    void betterOverallButOneLabelWorseKeepsTheChampionNamingTheLabel() {
        Gated gated = gate("gate-slice", null, 135, i -> i % 5 == 0 || (i / 5) < 14,
                i -> i % 5 != 0 || (i / 5) < 12);

        assertThat(gated.gate().path("ci").get(0).asDouble()).as("better overall").isGreaterThan(0);
        assertThat(gated.verdict()).isEqualTo("KEEP_CHAMPION");
        assertThat(gated.gate().path("reasons").toString()).contains("slice", "'billing' regressed");
        assertThat(jdbc.sql("select verdict from gate_result where run_id = ?").param(gated.runId())
                .query(String.class).single()).isEqualTo("KEEP_CHAMPION");
        assertThat(challenger("gate-slice")).isZero();
    }

    @Test
    void aSixtyExampleUseCaseHasALargeMinimumDetectableEffectAndMakesNoConfidentClaim() {
        // +0.067 on 60 examples, with a minimum gain of 0.02 set on the use case
        Gated gated = gate("gate-sixty", 0.02, 60, i -> i < 42, i -> i < 40 || (i >= 50 && i < 56));

        assertThat(gated.verdict()).isEqualTo("INCONCLUSIVE");
        assertThat(gated.gate().path("minimumGain").asDouble()).isEqualTo(0.02);
        assertThat(gated.gate().path("mdeExceedsMinimumGain").asBoolean()).isTrue();
        assertThat(gated.gate().path("warnings").toString()).contains("With 60 test examples");
        assertThat(gated.gate().path("additionalExamplesNeeded").asInt()).isPositive();
    }

    @Test
    void aUseCaseAcceptsAMinimumGainBetweenZeroAndOne() {
        Map<String, Object> request = new HashMap<>(Map.of("key", "gate-api", "name", "Gate API",
                "labels", List.of(Map.of("label", "a", "description", "A"), Map.of("label", "b", "description", "B")),
                "targetAccuracy", 0.9,
                "minLabelledExamples", 10, "baseModel", "all-MiniLM-L6-v2", "minimumGain", 1.5));
        var refused = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", request);
        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(refused.getBody().path("field").asText()).isEqualTo("minimumGain");

        request.put("minimumGain", 0.03);
        var created = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases", request);
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        assertThat(created.getBody().path("minimumGain").asDouble()).isEqualTo(0.03);
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.GET, "/api/use-cases/gate-api", null).getBody()
                .path("minimumGain").asDouble()).isEqualTo(0.03);
    }

    record Gated(UUID runId, String verdict, JsonNode gate) {
    }

    /** A run with champion and candidate results on a test split (and a curated set of 40), gated on the engine. */
    private Gated gate(String key, Double minimumGain, int examples, IntPredicate championPassed,
                       IntPredicate candidatePassed) {
        UseCase useCase = useCases.insert(new UseCaseRepository.NewUseCase(key, key, null,
                new OutputContract(1, TaskKind.CLASSIFICATION, LABELS.stream().map(l -> new LabelSpec(l, l)).toList(),
                        null, null, null, null, null), 0.9, 10, 0.02, "local", "all-MiniLM-L6-v2", null, minimumGain, null),
                "test");
        ModelVersion model = models.baseModel(useCase.id(), "local", "all-MiniLM-L6-v2");
        PromptVersion prompt = prompts.create(useCase.id(), PromptVersion.Purpose.PROTOTYPE,
                new PromptSpec("Classify.", PromptSpec.INPUT_PLACEHOLDER, false, List.of()), "test");
        UUID runId = UUID.randomUUID();
        runs.insert(runId, useCase.id(), "engineer");
        String testSplit = "dataset:999:test";
        long champion = evalRun(runId, useCase.id(), "CHAMPION", model, prompt, testSplit, examples, championPassed);
        long candidate = evalRun(runId, useCase.id(), "CANDIDATE", model, prompt, testSplit, examples,
                candidatePassed);
        evalRun(runId, useCase.id(), "CHAMPION", model, prompt, "eval-set", 40, i -> i < 30);
        evalRun(runId, useCase.id(), "CANDIDATE", model, prompt, "eval-set", 40, i -> i < 36);

        Map<String, Object> variables = new HashMap<>();
        variables.put("runId", runId.toString());
        variables.put("datasetVersionId", 999);
        variables.put("championEvalRunId", champion);
        variables.put("candidateEvalRunId", candidate);
        variables.put("championModelVersionId", model.id());
        variables.put("championPromptVersionId", prompt.id());
        variables.put("candidateModelVersionId", model.id());
        variables.put("tunedPromptVersionId", prompt.id());
        variables.put("leakage", Map.of("flagged", false, "testOverlapRate", 0.01));
        Map<String, Object> result = camunda.newCreateInstanceCommand().bpmnProcessId("lifecycle-gate")
                .latestVersion().variables(variables).withResult().requestTimeout(Duration.ofMinutes(2)).send()
                .join().getVariablesAsMap();
        JsonNode gate = new ObjectMapper().valueToTree(result.get("gate"));
        return new Gated(runId, (String) result.get("gateVerdict"), gate);
    }

    private long evalRun(UUID runId, long useCaseId, String role, ModelVersion model, PromptVersion prompt,
                         String evalSet, int examples, IntPredicate passed) {
        long passes = IntStream.range(0, examples).filter(passed).count();
        long id = jdbc.sql("""
                        insert into eval_run (run_id, use_case_id, role, model_version_id, prompt_version_id, eval_set,
                                              examples, accuracy, macro_f1, task, primary_metric, primary_value)
                        values (?, ?, ?, ?, ?, ?, ?, ?, 0, 'CLASSIFICATION', 'accuracy', ?) returning id""")
                .params(runId, useCaseId, role, model.id(), prompt.id(), evalSet, examples,
                        (double) passes / examples, (double) passes / examples)
                .query(Long.class).single();
        for (int i = 0; i < examples; i++) {
            boolean pass = passed.test(i);
            String label = LABELS.get(i % 5);
            jdbc.sql("""
                            insert into eval_example_result (eval_run_id, position, input, expected, output, passed,
                                                             value, verdicts, latency_ms, cost_usd)
                            values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, 0)""")
                    .params(id, i, "ticket " + i, label, pass ? label : "other", pass, pass ? 1 : 0,
                            "[{\"scorer\":\"equals\",\"type\":\"equals\",\"value\":" + (pass ? 1 : 0)
                                    + ",\"passed\":" + pass + "}]", 12.5)
                    .update();
        }
        return id;
    }

    private long challenger(String key) {
        return jdbc.sql("""
                        select count(*) from model_alias a join use_case u on u.id = a.use_case_id
                        where u.key = ? and a.alias = 'challenger'""").param(key).query(Long.class).single();
    }
}
