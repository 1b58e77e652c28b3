package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hybridllm.lifecycle.provider.openai.FakeOpenAiServer;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole cycle with the OpenAI-compatible adapters on the embedded engine, against an in-process server that
 * speaks OpenAI's wire format. Its "models" answer from the sample data's truth: the base model is right for about
 * 70 % of inputs, a fine-tuned one for about 97 %. Beside the routing sample: a generation use case (chat templates,
 * a rubric graded and replies compared by a judge model on the same endpoint, preference pairs from corrections)
 * and an extraction prompt sent with the schema as {@code response_format}.
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
        registry.add("lifecycle.providers.fake-openai.prices." + JUDGE_MODEL + ".input-per-million", () -> "2.50");
        registry.add("lifecycle.providers.fake-openai.prices." + JUDGE_MODEL + ".output-per-million", () -> "10.00");
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
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void setUp() {
        api = new LifecycleApi(http);
        jdbc.sql("select input, expected from eval_example")
                .query((rs, i) -> truth.put(rs.getString(1), rs.getString(2))).list();
        jdbc.sql("""
                select i.input, coalesce(f.corrected_output, i.output) from interaction i
                join feedback f on f.interaction_id = i.id
                where coalesce(f.corrected_output, i.output) is not null
                  and (f.corrected_output is not null or f.rating = 1)""")
                .query((rs, i) -> truth.putIfAbsent(rs.getString(1), rs.getString(2))).list();
        labels = jdbc.sql("""
                select distinct e.expected from eval_example e join use_case u on u.id = e.use_case_id
                where u.task = 'CLASSIFICATION' order by 1""").query(String.class).list();
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
    void cancellingARunWhoseJobIsTrainingCancelsTheJobAtTheProvider() throws InterruptedException {
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
            // the cancellation commits while a status read answering "running" is on its way to the worker
            var held = FAKE.holdJobRetrievals();
            assertThat(held.awaitHeld(60)).as("a status read is in flight").isTrue();
            var cancelled = api.call(LifecycleApi.ENGINEER, HttpMethod.POST,
                    "/api/runs/" + runId + "/cancel", Map.of("reason", "wrong base model"));
            assertThat(cancelled.getBody().path("status").asText()).isEqualTo("CANCELLED");
            assertThat(jdbc.sql("select status from fine_tune_job where run_id = ?").param(runId)
                    .query(String.class).single()).isEqualTo("CANCELLED");
            held.release();
            for (int i = 0; i < 30; i++) { // the late "running" must not overwrite the cancellation
                LifecycleApi.sleep(100);
                assertThat(jdbc.sql("select status from fine_tune_job where run_id = ?").param(runId)
                        .query(String.class).single()).as("after the late answer").isEqualTo("CANCELLED");
            }
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

    // ---- a generation use case: chat templates, a rubric and a judge, all on the OpenAI-compatible fake ----

    static final String JUDGE_MODEL = "gpt-4o";
    static final String REPLY_SYSTEM = "You are the support agent of an online shop. Reply politely in two sentences.";
    static final String REPLY_SYSTEM_WITH_EXAMPLES = "You are the support agent of an online shop. Reply politely "
            + "in two sentences, as in the examples.";
    static final String RUBRIC_ADDRESSES = "The reply answers the problem the customer raised, not a different one.";
    static final String RUBRIC_POLITE = "The reply is polite and greets the customer.";
    static final List<String> ITEMS = List.of("kettle", "lamp", "backpack", "monitor", "blender", "jacket",
            "headphones", "desk chair", "toaster", "camera", "umbrella", "rug");

    /** A kind of ticket, its phrasing (%s: the item) and the macro reply that answers it. */
    record Situation(String ticket, String reply) {
        String input(String item) {
            return ticket.formatted(item);
        }
    }

    static final Situation REFUND = new Situation("The refund for my %s was confirmed last week, but my card still "
            + "shows nothing.", "Hello,\n\nThank you for your patience. Your refund has been issued to your original "
            + "payment method and can take 5 to 10 business days to appear.");
    static final Situation DAMAGED = new Situation("My %s arrived broken, the box was crushed.", "Hello,\n\nI'm so "
            + "sorry your item arrived damaged. We are sending a replacement free of charge, with no need to return "
            + "the broken one.");
    static final Situation CANCEL = new Situation("Please cancel the %s I ordered this morning, it has not shipped "
            + "yet.", "Hello,\n\nYour order has been cancelled and you will not be charged for it.");
    static final Situation DOUBLE_CHARGE = new Situation("I was charged twice for the %s, why?", "Hello,\n\nThe "
            + "second charge is an authorisation hold, which your bank releases within 3 to 5 business days.");
    static final Situation LOCKED = new Situation("I tried to sign in to pay for the %s and now my account is "
            + "locked.", "Hello,\n\nFor your protection your account was locked after several unsuccessful sign-in "
            + "attempts; the lock lifts automatically after 30 minutes.");
    static final Situation LATE = new Situation("The %s I ordered should have come on Wednesday and the tracking "
            + "has not moved.", "Hello,\n\nThank you for bearing with us. Your parcel is held up at our carrier's "
            + "sorting centre, and the new delivery estimate is on your tracking page.");
    static final List<Situation> SITUATIONS = List.of(REFUND, DAMAGED, CANCEL, DOUBLE_CHARGE, LOCKED, LATE);
    /** Where the base model goes wrong: it answers a delayed refund as a double charge, a damaged item as late. */
    static final Map<Situation, Situation> BASE_MODEL_CONFUSES = Map.of(REFUND, DOUBLE_CHARGE, DAMAGED, LATE);

    private static final Pattern REPLY = Pattern.compile("(?s)<reply>\n(.*?)\n</reply>");
    private static final Pattern REPLY_A = Pattern.compile("(?s)<reply_a>\n(.*?)\n</reply_a>");
    private static final Pattern REPLY_B = Pattern.compile("(?s)<reply_b>\n(.*?)\n</reply_b>");
    private static final Pattern REFERENCE = Pattern.compile("(?s)<reference_reply>\n(.*?)\n</reference_reply>");

    private static String tagged(Pattern tag, String text) {
        Matcher matcher = tag.matcher(text);
        assertThat(matcher.find()).as("the judge's question has %s: %s", tag, text).isTrue();
        return matcher.group(1);
    }

    /**
     * The judge on the fake: a reply addresses the request when it is the reference reply, every macro reply is
     * polite; of two replies the one that is the reference wins.
     */
    private String judge(String question) {
        String reference = tagged(REFERENCE, question);
        Map<String, Object> answer = new LinkedHashMap<>();
        if (question.contains("<reply_a>")) {
            boolean a = tagged(REPLY_A, question).equals(reference);
            boolean b = tagged(REPLY_B, question).equals(reference);
            answer.put("winner", a == b ? "tie" : a ? "A" : "B");
            answer.put("reason", a == b ? "Both replies are as good." : "Only one reply answers the ticket.");
        } else {
            String reply = tagged(REPLY, question);
            boolean pass = question.contains("Criterion: " + RUBRIC_ADDRESSES) ? reply.equals(reference)
                    : reply.startsWith("Hello,");
            answer.put("pass", pass);
            answer.put("reason", pass ? "It does." : "It answers another problem.");
        }
        try {
            return json.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aGenerationUseCaseIsPromptedJudgedFineTunedAndPromotedThroughTheOpenAiAdapters() throws Exception {
        String key = "replies-openai";
        Map<String, Situation> situationOf = new HashMap<>();
        List<Map<String, Object>> evalExamples = new ArrayList<>();
        for (Situation situation : SITUATIONS) {
            for (String item : ITEMS) {
                situationOf.put(situation.input(item), situation);
            }
            for (String item : ITEMS.subList(0, 2)) {
                evalExamples.add(Map.of("input", situation.input(item), "expected", situation.reply()));
            }
        }
        FAKE.recordChatRequests();
        FAKE.answerWith((model, user) -> {
            if (model.equals(JUDGE_MODEL)) {
                return judge(user);
            }
            Situation situation = situationOf.get(user.replaceFirst("^Ticket: ", ""));
            if (situation == null) {
                return "Hello,\n\nThank you for your message.";
            }
            boolean tuned = !model.equals("gpt-4o-mini");
            return tuned ? situation.reply() : BASE_MODEL_CONFUSES.getOrDefault(situation, situation).reply();
        });

        ResponseEntity<JsonNode> created = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases",
                Map.ofEntries(Map.entry("key", key), Map.entry("name", "Support replies on an OpenAI endpoint"),
                        Map.entry("task", "GENERATION"),
                        Map.entry("rubric", List.of(Map.of("name", "addresses-the-request", "criterion",
                                RUBRIC_ADDRESSES), Map.of("name", "polite", "criterion", RUBRIC_POLITE))),
                        Map.entry("judge", Map.of("provider", "fake-openai", "model", JUDGE_MODEL)),
                        Map.entry("targetAccuracy", 0.95), Map.entry("minLabelledExamples", 40),
                        Map.entry("provider", "fake-openai"), Map.entry("baseModel", "gpt-4o-mini"),
                        Map.entry("evalExamples", evalExamples)));
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        assertThat(created.getBody().path("task").asText()).isEqualTo("GENERATION");
        // two chat templates: a system message and the ticket; then with few-shot turns and other settings
        List<Map<String, String>> fewShot = List.of(Map.of("input", DAMAGED.input("sofa"), "output",
                DAMAGED.reply()), Map.of("input", CANCEL.input("bicycle"), "output", CANCEL.reply()));
        createPrompt(key, Map.of("messages", List.of(Map.of("role", "system", "content", REPLY_SYSTEM),
                Map.of("role", "user", "content", "{{input}}")), "settings", Map.of("temperature", 0.2,
                "maxTokens", 200)));
        createPrompt(key, Map.of("messages", List.of(Map.of("role", "system", "content", REPLY_SYSTEM_WITH_EXAMPLES),
                        Map.of("role", "user", "content", "Ticket: {{input}}")), "fewShot", fewShot,
                "settings", Map.of("temperature", 0.7, "maxTokens", 250)));

        // production feedback: the base model's replies, thumbs up where right, corrected where it confused the case
        for (Situation situation : SITUATIONS) {
            for (String item : ITEMS.subList(2, ITEMS.size())) {
                String answered = BASE_MODEL_CONFUSES.getOrDefault(situation, situation).reply();
                boolean right = answered.equals(situation.reply());
                Map<String, Object> feedback = new HashMap<>();
                feedback.put("useCase", key);
                feedback.put("input", situation.input(item));
                feedback.put("output", answered);
                feedback.put("rating", right ? 1 : -1);
                if (!right) {
                    feedback.put("correctedOutput", situation.reply());
                }
                ResponseEntity<JsonNode> posted = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/feedback",
                        feedback);
                assertThat(posted.getStatusCode().value()).as(String.valueOf(posted.getBody())).isEqualTo(201);
            }
        }

        UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
        JsonNode awaiting = api.awaitStatus(runId, TIMEOUT, "AWAITING_APPROVAL", "COMPLETED");
        JsonNode primary = awaiting.path("metrics").path("primary");
        assertThat(primary.path("name").asText()).isEqualTo("rubricPassRate");
        if (awaiting.path("status").asText().equals("COMPLETED")) {
            // the test split of this small use case has about ten rows (which ones depends on the feedback ids the
            // shared test database hands out): a perfect candidate may still not be a confident gain, and then
            // the gate must say so and how many more examples it needs, not promote
            JsonNode gate = awaiting.path("gate");
            assertThat(awaiting.path("outcome").asText()).as(gate.toString()).isEqualTo("INCONCLUSIVE");
            assertThat(gate.path("verdict").asText()).isEqualTo("INCONCLUSIVE");
            assertThat(gate.path("ci").get(0).asDouble()).isLessThanOrEqualTo(0.0);
            assertThat(gate.path("additionalExamplesNeeded").asInt()).isPositive();
            assertThat(primary.path("candidate").asDouble()).isGreaterThan(primary.path("champion").asDouble());
            return;
        }
        assertThat(primary.path("candidate").asDouble()).as(primary.toString()).isEqualTo(1.0);
        assertThat(primary.path("champion").asDouble()).isLessThan(1.0);
        assertThat(primary.path("baseline").asDouble()).isLessThan(0.95);
        List<JsonNode> chats = FAKE.chatRequests();

        // the templates rendered: system text, few-shot turns, the filled input, each prompt's settings
        String ticket = evalExamples.getFirst().get("input").toString();
        assertThat(chatsOf(chats, "gpt-4o-mini", ticket)).singleElement().satisfies(request -> {
            assertThat(messages(request)).containsExactly(List.of("system", REPLY_SYSTEM), List.of("user", ticket));
            assertThat(request.path("temperature").asDouble()).isEqualTo(0.2);
            assertThat(request.path("max_completion_tokens").asInt()).isEqualTo(200);
            assertThat(request.has("response_format")).isFalse();
        });
        assertThat(chatsOf(chats, "gpt-4o-mini", "Ticket: " + ticket)).singleElement().satisfies(request -> {
            assertThat(messages(request)).containsExactly(List.of("system", REPLY_SYSTEM_WITH_EXAMPLES),
                    List.of("user", "Ticket: " + DAMAGED.input("sofa")), List.of("assistant", DAMAGED.reply()),
                    List.of("user", "Ticket: " + CANCEL.input("bicycle")), List.of("assistant", CANCEL.reply()),
                    List.of("user", "Ticket: " + ticket));
            assertThat(request.path("temperature").asDouble()).isEqualTo(0.7);
            assertThat(request.path("max_completion_tokens").asInt()).isEqualTo(250);
        });
        // the fine-tuned candidate is served as it was trained: the short prompt and the ticket alone
        List<JsonNode> tuned = chats.stream().filter(c -> c.path("model").asText().startsWith("ft:gpt-4o-mini:"))
                .toList();
        assertThat(tuned).isNotEmpty().allSatisfy(request -> assertThat(messages(request)).hasSize(2)
                .first().isEqualTo(List.of("system", "Write the reply to the input.")));

        // the judge: every criterion graded per example and evaluation; pairwise asked in both orders
        long candidateRun = awaiting.path("metrics").path("candidate").path("evalRunId").asLong();
        long championRun = awaiting.path("metrics").path("champion").path("evalRunId").asLong();
        long examplesJudged = jdbc.sql("select sum(examples) from eval_run where run_id = ?").param(runId)
                .query(Long.class).single();
        List<JsonNode> judged = chats.stream().filter(c -> c.path("model").asText().equals(JUDGE_MODEL)).toList();
        assertThat(judged).allSatisfy(request -> {
            assertThat(request.path("temperature").asDouble()).isZero();
            assertThat(request.path("max_completion_tokens").asInt()).isEqualTo(300);
        });
        List<JsonNode> rubric = judged.stream().filter(c -> systemOf(c).startsWith("You grade one reply")).toList();
        List<JsonNode> pairwise = judged.stream().filter(c -> systemOf(c).startsWith("You compare two replies"))
                .toList();
        assertThat(rubric).hasSize((int) (2 * examplesJudged));
        long differing = jdbc.sql("""
                        select count(*) from eval_example_result c join eval_example_result h
                          on h.eval_run_id = ? and h.position = c.position
                        where c.eval_run_id = ? and c.output <> h.output""")
                .params(championRun, candidateRun).query(Long.class).single();
        assertThat(differing).as("the base model confuses some test examples").isPositive();
        // pairwise on the test split and on the curated set (the candidate against the champion's outputs on each)
        long pairwiseCalls = jdbc.sql("""
                        select coalesce(sum(jsonb_array_length(v -> 'judgeCalls')), 0)
                        from eval_example_result r join eval_run e on e.id = r.eval_run_id,
                             jsonb_array_elements(r.verdicts) v
                        where e.run_id = ? and v ->> 'type' = 'pairwise'""")
                .param(runId).query(Long.class).single();
        assertThat(pairwise).hasSize((int) pairwiseCalls).hasSizeGreaterThanOrEqualTo((int) (2 * differing));
        List<List<String>> orders = pairwise.stream().map(c -> {
            String question = lastUserMessage(c);
            return List.of(tagged(REPLY_A, question), tagged(REPLY_B, question));
        }).toList();
        assertThat(orders).allSatisfy(order -> assertThat(orders).contains(List.of(order.get(1), order.get(0))));
        assertThat(jdbc.sql("select (metrics ->> 'pairwiseWinRate')::float from eval_run where id = ?")
                .param(candidateRun).query(Double.class).single()).isGreaterThan(0.5);
        // ... each judge call recorded in model_call and priced at the judge model's price (2.50 / 10.00 per M)
        Map<String, Object> judgeCalls = jdbc.sql("""
                        select count(*) as calls, count(*) filter (where c.cost_usd is null) as unpriced,
                               count(*) filter (where abs(c.cost_usd - (2.50 * c.prompt_tokens
                                   + 10.00 * c.completion_tokens) / 1000000) > 0.00000001) as mispriced,
                               count(*) filter (where c.model <> ? or c.provider <> 'fake-openai') as other_models,
                               sum(c.cost_usd) as cost
                        from model_call c join eval_run e on e.id = c.eval_run_id
                        where e.run_id = ? and c.purpose = 'JUDGE'""")
                .params(JUDGE_MODEL, runId).query().singleRow();
        assertThat(((Number) judgeCalls.get("calls")).longValue()).isEqualTo(judged.size());
        assertThat(((Number) judgeCalls.get("unpriced")).longValue()).isZero();
        assertThat(((Number) judgeCalls.get("mispriced")).longValue()).isZero();
        assertThat(((Number) judgeCalls.get("other_models")).longValue()).isZero();
        assertThat(((BigDecimal) judgeCalls.get("cost")).signum()).isPositive();

        // the corrections of the training split became preference pairs: OpenAI's DPO JSONL
        Map<String, Object> dataset = jdbc.sql("""
                        select d.id, d.preference_pairs, a.uri from dataset_version d
                        join artifact a on a.id = d.preference_artifact_id where d.run_id = ?""")
                .param(runId).query().singleRow();
        long trainCorrections = jdbc.sql("""
                        select count(*) from dataset_version_feedback v join feedback f on f.id = v.feedback_id
                        where v.dataset_version_id = ? and v.split = 'train' and f.corrected_output is not null""")
                .param(dataset.get("id")).query(Long.class).single();
        List<String> lines = Files.readAllLines(Path.of(URI.create((String) dataset.get("uri"))));
        assertThat(lines).hasSize(((Number) dataset.get("preference_pairs")).intValue()).hasSize((int) trainCorrections)
                .isNotEmpty();
        for (String line : lines) {
            JsonNode pair = json.readTree(line);
            List<List<String>> prompt = messages(pair.path("input"));
            assertThat(prompt).hasSize(2).first().isEqualTo(List.of("system", "Write the reply to the input."));
            Situation situation = situationOf.get(prompt.get(1).get(1));
            assertThat(BASE_MODEL_CONFUSES).containsKey(situation);
            assertThat(messages(pair.path("preferred_output"))).isEqualTo(List.of(List.of("assistant",
                    situation.reply())));
            assertThat(messages(pair.path("non_preferred_output"))).isEqualTo(List.of(List.of("assistant",
                    BASE_MODEL_CONFUSES.get(situation).reply())));
        }

        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        var approved = api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "rubric and pairwise checked");
        assertThat(approved.getStatusCode().value()).as(String.valueOf(approved.getBody())).isEqualTo(200);
        assertThat(api.awaitStatus(runId, TIMEOUT, "COMPLETED").path("outcome").asText()).isEqualTo("PROMOTED");
    }

    private void createPrompt(String useCase, Map<String, Object> body) {
        ResponseEntity<JsonNode> created = api.call(LifecycleApi.ENGINEER, HttpMethod.POST,
                "/api/use-cases/" + useCase + "/prompt-versions", body);
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
    }

    /** The chat requests to a model whose input turn (the last user message) is the given text. */
    private static List<JsonNode> chatsOf(List<JsonNode> chats, String model, String inputTurn) {
        return chats.stream().filter(c -> c.path("model").asText().equals(model)
                && lastUserMessage(c).equals(inputTurn)).toList();
    }

    /** [role, content] of each message of a request (or of a {"messages": [...]} / message array node). */
    private static List<List<String>> messages(JsonNode node) {
        JsonNode messages = node.isArray() ? node : node.path("messages");
        List<List<String>> out = new ArrayList<>();
        messages.forEach(m -> out.add(List.of(m.path("role").asText(), m.path("content").asText())));
        return out;
    }

    private static String systemOf(JsonNode request) {
        return request.path("messages").path(0).path("content").asText();
    }

    private static String lastUserMessage(JsonNode request) {
        List<List<String>> messages = messages(request);
        return messages.getLast().get(1);
    }

    // ---- an extraction prompt with response_format json_schema ----

    @Test
    void anExtractionPromptSendsTheSchemaAsResponseFormatAndAnAnswerThatViolatesItIsScoredAsItCame()
            throws Exception {
        String key = "orders-openai";
        Map<String, Object> schema = Map.of("$schema", "https://json-schema.org/draft/2020-12/schema",
                "type", "object",
                "properties", Map.of("orderId", Map.of("type", "string", "pattern", "^[A-Z]-[0-9]{5}$"),
                        "amount", Map.of("type", "number"),
                        "currency", Map.of("type", "string", "enum", List.of("USD", "EUR"))),
                "required", List.of("orderId"), "additionalProperties", false);
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("Order A-12345 cost $20, where is it?",
                "{\"orderId\":\"A-12345\",\"amount\":20,\"currency\":\"USD\"}");
        answers.put("Refund order B-54321, it was 15 EUR.",
                "{\"orderId\":\"B-54321\",\"amount\":15,\"currency\":\"EUR\"}");
        // the server ignored the schema: the amount is a text
        String violating = "{\"orderId\":\"C-11111\",\"amount\":\"9.50 EUR\",\"currency\":\"EUR\"}";
        answers.put("Please check order C-11111 for 9.50 EUR.", violating);
        List<Map<String, Object>> evalExamples = new ArrayList<>();
        answers.forEach((input, answer) -> evalExamples.add(Map.of("input", input, "expected",
                readJson(answer.replace("\"9.50 EUR\"", "9.5")))));
        ResponseEntity<JsonNode> created = api.call(LifecycleApi.ENGINEER, HttpMethod.POST, "/api/use-cases",
                Map.of("key", key, "name", "Order details on an OpenAI endpoint", "task", "EXTRACTION",
                        "outputSchema", schema, "targetAccuracy", 0.9, "minLabelledExamples", 100,
                        "provider", "fake-openai", "baseModel", "gpt-4o-mini", "evalExamples", evalExamples));
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        createPrompt(key, Map.of("messages", List.of(Map.of("role", "system", "content", "Extract the order."),
                        Map.of("role", "user", "content", "Ticket: {{input}}")), "responseFormat", "json_schema",
                "settings", Map.of("temperature", 0.0, "maxTokens", 120)));
        FAKE.recordChatRequests();
        FAKE.answerWith((model, user) -> answers.getOrDefault(user.replaceFirst("^Ticket: ", ""), "{}"));

        UUID runId = api.startRun(LifecycleApi.ENGINEER, key);
        // one prompt and no feedback: the cycle stops after the prompt's evaluation
        assertThat(api.awaitStatus(runId, TIMEOUT, "COMPLETED").path("outcome").asText()).isEqualTo("KEEP_PROMPTING");

        List<JsonNode> chats = FAKE.chatRequests();
        assertThat(chats).hasSize(answers.size()).allSatisfy(request -> {
            JsonNode format = request.path("response_format");
            assertThat(format.path("type").asText()).isEqualTo("json_schema");
            assertThat(format.path("json_schema").path("schema")).isEqualTo(json.valueToTree(schema));
            // the schema travels as response_format, not in the system message
            assertThat(messages(request).getFirst()).isEqualTo(List.of("system", "Extract the order."));
            assertThat(request.path("max_completion_tokens").asInt()).isEqualTo(120);
        });
        long evalRun = jdbc.sql("select id from eval_run where run_id = ? and role = 'PROMPT_ITERATION'")
                .param(runId).query(Long.class).single();
        List<Map<String, Object>> results = jdbc.sql("""
                        select input, output, passed, verdicts::text as verdicts from eval_example_result
                        where eval_run_id = ? order by position""").param(evalRun).query().listOfRows();
        assertThat(results).hasSize(answers.size());
        for (Map<String, Object> result : results) {
            String answer = answers.get((String) result.get("input"));
            assertThat(result.get("output")).as("stored as the server answered, never coerced").isEqualTo(answer);
            JsonNode schemaVerdict = null;
            for (JsonNode verdict : json.readTree((String) result.get("verdicts"))) {
                if (verdict.path("type").asText().equals("json-schema")) {
                    schemaVerdict = verdict;
                }
            }
            assertThat(schemaVerdict).as("a json-schema verdict").isNotNull();
            boolean valid = !answer.equals(violating);
            assertThat(schemaVerdict.path("passed").asBoolean()).as(answer).isEqualTo(valid);
            assertThat(result.get("passed")).as(answer).isEqualTo(valid);
            if (!valid) {
                assertThat(schemaVerdict.path("explanation").asText()).contains("amount");
            }
        }
        assertThat(jdbc.sql("select primary_value from eval_run where id = ?").param(evalRun)
                .query(Double.class).single()).isCloseTo(2.0 / 3, offset(1e-4));
    }

    private JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
