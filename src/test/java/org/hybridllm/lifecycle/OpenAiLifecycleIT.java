package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hybridllm.lifecycle.provider.openai.FakeOpenAiServer;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.springframework.http.HttpMethod;
import org.springframework.boot.test.web.server.LocalServerPort;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.nio.file.Path;
import java.net.URI;

/**
 * The whole cycle with the OpenAI-compatible adapters on the embedded engine, against an in-process server that
 * speaks OpenAI's wire format. Its "models" answer from the sample data's truth: the base model is right for about
 * 70 % of inputs, a fine-tuned one for about 97 %.
 */
@AppTest
class OpenAiLifecycleIT {

    static final Duration TIMEOUT = Duration.ofMinutes(4);
    static final FakeOpenAiServer FAKE = FakeOpenAiServer.started("sk-it");

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("lifecycle.providers.fake-openai.base-url", FAKE::baseUrl);
        registry.add("lifecycle.providers.fake-openai.api-key", () -> "sk-it");
        registry.add("lifecycle.providers.fake-openai.max-retries", () -> "2");
        registry.add("lifecycle.providers.fake-openai.prices.gpt-4o-mini.input-per-million", () -> "0.15");
        registry.add("lifecycle.providers.fake-openai.prices.gpt-4o-mini.output-per-million", () -> "0.60");
        registry.add("lifecycle.providers.fake-openai.prices.[ft:gpt-4o-mini].input-per-million", () -> "0.30");
        registry.add("lifecycle.providers.fake-openai.prices.[ft:gpt-4o-mini].output-per-million", () -> "1.20");
        registry.add("lifecycle.providers.bad-key.base-url", FAKE::baseUrl);
        registry.add("lifecycle.providers.bad-key.api-key", () -> "sk-revoked");
        // a LoRA trainer run as a command; the use case's OpenAI-compatible server (vLLM) serves its adapter
        String trainer = OpenAiLifecycleIT.class.getResource("/trainers/test-trainer.sh").getPath();
        List<String> command = List.of("sh", trainer, "--mode", "train", "--data", "{dataset}", "--base-model",
                "{baseModel}", "--output", "{outputDir}", "--epochs", "{hyperparameters.epochs}");
        for (int i = 0; i < command.size(); i++) {
            String argument = command.get(i);
            registry.add("lifecycle.fine-tuners.lora.command[" + i + "]", () -> argument);
        }
        registry.add("lifecycle.fine-tuners.lora.served-model", () -> "lora-{jobName}");
        registry.add("lifecycle.fine-tune.hyperparameters.epochs", () -> "3");
    }

    @AfterAll
    static void stop() {
        FAKE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;

    LifecycleApi api;
    final Map<String, String> truth = new ConcurrentHashMap<>();
    List<String> labels;

    @BeforeEach
    void setUp() {
        api = new LifecycleApi(http);
        jdbc.sql("select input, label from eval_example").query((rs, i) -> truth.put(rs.getString(1), rs.getString(2)))
                .list();
        jdbc.sql("""
                select i.input, coalesce(f.corrected_output, i.output) from interaction i
                join feedback f on f.interaction_id = i.id where f.corrected_output is not null or f.rating = 1""")
                .query((rs, i) -> truth.putIfAbsent(rs.getString(1), rs.getString(2))).list();
        labels = jdbc.sql("select distinct label from eval_example order by 1").query(String.class).list();
        FAKE.answerWith((model, input) -> {
            String right = truth.getOrDefault(input, labels.get(0));
            int bucket = Math.floorMod(input.hashCode(), 100);
            boolean correct = !model.equals("gpt-4o-mini") ? bucket < 97 : bucket < 70; // tuned: ft:… or lora-…
            return correct ? right : labels.get((labels.indexOf(right) + 1) % labels.size());
        });
    }

    private void useCaseOn(String key, String provider) {
        sampleData.loadInto(key);
        jdbc.sql("update use_case set provider = ?, base_model = 'gpt-4o-mini' where key = ?").params(provider, key)
                .update();
    }

    @Test
    void aRunPromptsFineTunesAndPromotesThroughTheOpenAiAdapters() {
        String key = "tickets-openai";
        useCaseOn(key, "fake-openai");
        UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(awaiting.path("metrics").path("candidate").path("accuracy").asDouble())
                .isGreaterThan(awaiting.path("metrics").path("champion").path("accuracy").asDouble());

        // every call recorded with its prompt version, model, tokens, latency and cost
        Map<String, Object> calls = jdbc.sql("""
                        select count(*) as calls, count(*) filter (where c.cost_usd is null) as unpriced,
                               min(c.prompt_tokens) as min_tokens, count(distinct c.model) as models
                        from model_call c join eval_run e on e.id = c.eval_run_id where e.run_id = ?""")
                .param(runId).query().singleRow();
        assertThat(((Number) calls.get("calls")).longValue()).isGreaterThan(600);
        assertThat(((Number) calls.get("unpriced")).longValue()).isZero();
        assertThat(((Number) calls.get("min_tokens")).intValue()).isPositive();
        assertThat(((Number) calls.get("models")).intValue()).isEqualTo(2);
        // the fine-tuning job, its events and loss curve, the model registered with lineage to the dataset
        Map<String, Object> job = jdbc.sql("select * from fine_tune_job where run_id = ?").param(runId).query()
                .singleRow();
        assertThat(job.get("status")).isEqualTo("SUCCEEDED");
        assertThat(String.valueOf(job.get("metrics"))).contains("lossCurve", "trainedTokens");
        assertThat(jdbc.sql("select count(*) from fine_tune_event where external_id = ? and train_loss is not null")
                .param(job.get("external_id")).query(Long.class).single()).isPositive();
        assertThat(jdbc.sql("select external_ref from model_version where fine_tune_job_id = ? and dataset_version_id = ?")
                .params(job.get("id"), job.get("dataset_version_id")).query(String.class).single())
                .startsWith("ft:gpt-4o-mini:");
        assertThat(FAKE.requests()).contains("POST /files", "POST /fine_tuning/jobs");

        // before approving, the reviewer can see the candidate in production: all traffic to it through the gateway
        assertThat(api.call(LifecycleApi.ENGINEER, HttpMethod.PUT,
                "/api/gateway/routes/" + key, Map.of("canaryShare", 1.0)).getStatusCode().value()).isEqualTo(200);
        String gatewayKey = api.call(LifecycleApi.ADMIN, HttpMethod.POST,
                "/api/gateway/keys", Map.of("name", "tickets-app", "useCase", key)).getBody().path("key").asText();
        var client = OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1")
                .apiKey(gatewayKey).build();
        for (String input : List.of("I was charged twice", "Refund please", "My invoice is wrong")) {
            client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("lifecycle/" + key).addUserMessage(input).build());
        }
        JsonNode serving = null;
        for (int attempt = 0; attempt < 100; attempt++) { // logged off the request path
            serving = api.run(runId).path("serving");
            if (serving.path("calls").asLong() == 3) {
                break;
            }
            LifecycleApi.sleep(100);
        }
        assertThat(serving.path("calls").asLong()).isEqualTo(3);
        assertThat(serving.path("savedPromptTokens").asLong()).as("short prompt vs prototype prompt").isPositive();
        assertThat(serving.path("costUsd").decimalValue().signum()).isPositive();
        assertThat(api.run(runId).path("metrics").path("candidate").path("costUsd").decimalValue().signum())
                .isPositive();

        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        assertThat(api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "ok").getStatusCode().value())
                .isEqualTo(200);
        assertThat(api.awaitStatus(runId, TIMEOUT, "COMPLETED").path("outcome").asText()).isEqualTo("PROMOTED");
    }

    @Test
    void aLoraTrainerCommandTrainsTheAdapterThatTheUseCasesServerServes() {
        String key = "tickets-lora";
        useCaseOn(key, "fake-openai");
        jdbc.sql("update use_case set fine_tuner = 'lora' where key = ?").param(key).update();
        UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL");
        assertThat(awaiting.path("metrics").path("candidate").path("accuracy").asDouble())
                .isGreaterThan(awaiting.path("metrics").path("champion").path("accuracy").asDouble());

        Map<String, Object> job = jdbc.sql("select * from fine_tune_job where run_id = ?").param(runId).query()
                .singleRow();
        assertThat(job.get("provider")).isEqualTo("lora");
        assertThat(job.get("status")).isEqualTo("SUCCEEDED");
        assertThat((String) job.get("served_model")).isEqualTo("lora-run-" + runId);
        assertThat(String.valueOf(job.get("metrics"))).contains("lossCurve", "[3, 0.5]");
        assertThat(jdbc.sql("""
                        select step from fine_tune_event where provider = 'lora' and external_id = ?
                        and train_loss is not null order by step""")
                .param(job.get("external_id")).query(Integer.class).list()).containsExactly(1, 2, 3);
        // the served name is the model; the adapter directory is its weights artifact, hashed, with its lineage
        Map<String, Object> model = jdbc.sql("""
                        select m.external_ref, a.media_type, a.sha256, a.uri, a.metadata::text as metadata, a.id
                        from model_version m join artifact a on a.id = m.artifact_id where m.fine_tune_job_id = ?""")
                .param(job.get("id")).query().singleRow();
        assertThat(model.get("external_ref")).isEqualTo("lora-run-" + runId);
        assertThat(model.get("media_type")).isEqualTo("inode/directory");
        assertThat((String) model.get("metadata")).contains("adapter_config.json", "adapter_model.safetensors");
        Path stored = Path.of(URI.create((String) model.get("uri")));
        assertThat(stored.resolve("adapter_model.safetensors")).exists();
        assertThat((String) model.get("uri")).contains((String) model.get("sha256"));
        assertThat(jdbc.sql("""
                        select count(*) from artifact_parent p join dataset_version d
                          on p.parent_artifact_id in (d.train_artifact_id, d.validation_artifact_id)
                        where p.artifact_id = ? and d.id = ?""")
                .params(model.get("id"), job.get("dataset_version_id")).query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void refusedCredentialsEndTheRunFailedWithTheProvidersReason() {
        String key = "tickets-bad-key";
        useCaseOn(key, "bad-key");
        UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
        JsonNode failed = api.awaitStatus(runId, TIMEOUT, "FAILED");
        assertThat(failed.path("outcome").asText()).isEqualTo("PROVIDER_FAILED");
        assertThat(failed.path("failureReason").asText()).contains("refused the credentials (HTTP 401)")
                .doesNotContain("sk-revoked");
        assertThat(jdbc.sql("select count(*) from audit_event where details::text like '%sk-revoked%'")
                .query(Long.class).single()).isZero();
    }

    @Test
    void aFineTuningJobTheProviderFailsEndsTheRunWithItsReasonAndKeepsTheChampion() {
        String key = "tickets-job-fails";
        useCaseOn(key, "fake-openai");
        FAKE.failJobsWith("The training file has invalid examples on line 3");
        try {
            UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
            JsonNode failed = api.awaitStatus(runId, TIMEOUT, "FAILED");
            assertThat(failed.path("outcome").asText()).isEqualTo("FINE_TUNE_FAILED");
            assertThat(failed.path("failureReason").asText()).contains("invalid examples on line 3");
            assertThat(jdbc.sql("""
                            select m.kind from model_alias a join model_version m on m.id = a.model_version_id
                            join use_case u on u.id = a.use_case_id where u.key = ? and a.alias = 'champion'""")
                    .param(key).query(String.class).single()).isEqualTo("BASE");
        } finally {
            FAKE.failJobsWith(null);
        }
    }

    @Test
    void cancellingARunWhoseJobIsTrainingCancelsTheJobAtTheProvider() {
        String key = "tickets-cancel-job";
        useCaseOn(key, "fake-openai");
        FAKE.finishJobsAfter(100_000);
        try {
            UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
            String externalId = null;
            for (int i = 0; i < 600 && externalId == null; i++) {
                externalId = jdbc.sql("select external_id from fine_tune_job where run_id = ? and status = 'RUNNING'")
                        .param(runId).query(String.class).optional().orElse(null);
                LifecycleApi.sleep(200);
            }
            assertThat(externalId).as("the job is training").isNotNull();
            var cancelled = api.call(LifecycleApi.ENGINEER, HttpMethod.POST,
                    "/api/runs/" + runId + "/cancel", Map.of("reason", "wrong base model"));
            assertThat(cancelled.getBody().path("status").asText()).isEqualTo("CANCELLED");
            assertThat(jdbc.sql("select status from fine_tune_job where run_id = ?").param(runId)
                    .query(String.class).single()).isEqualTo("CANCELLED");
            String job = externalId;
            for (int i = 0; i < 50 && !"cancelled".equals(FAKE.job(job).get("status")); i++) {
                LifecycleApi.sleep(100); // the provider is told once the cancelling transaction has committed
            }
            assertThat(FAKE.job(job).get("status")).isEqualTo("cancelled");
            assertThat(FAKE.requests()).contains("POST /fine_tuning/jobs/" + job + "/cancel");
        } finally {
            FAKE.finishJobsAfter(2);
        }
    }
}
