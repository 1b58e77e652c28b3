package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.provider.FewShotExample;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.provider.openai.FakeOpenAiServer;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import java.math.BigDecimal;

/**
 * The OpenAI-compatible gateway driven by the official, unmodified {@code openai-java} client: calls served by the
 * use case's champion with its prompt version and logged as interactions, streaming, feedback by interaction id,
 * a sticky canary split, roll-back taking effect on the next call, pruned prompts' savings, OpenAI-style
 * refusals that log nothing, and the other task kinds: a generation use case answers with the reply the local model
 * selects, an extraction use case with the upstream's JSON as it came, its schema failures recorded. The upstream
 * model is an in-process server speaking OpenAI's wire format.
 */
@AppTest
@AutoConfigureObservability(tracing = false) // the Prometheus endpoint, which tests leave out by default
class GatewayIT {

    static final FakeOpenAiServer UPSTREAM = FakeOpenAiServer.started("sk-upstream");
    static final String TUNED_MODEL = "tickets-lora-canary1"; // e.g. a LoRA adapter served by vLLM

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("lifecycle.providers.upstream.base-url", UPSTREAM::baseUrl);
        registry.add("lifecycle.providers.upstream.api-key", () -> "sk-upstream");
        registry.add("lifecycle.providers.upstream.prices.gpt-4o-mini.input-per-million", () -> "0.15");
        registry.add("lifecycle.providers.upstream.prices.gpt-4o-mini.output-per-million", () -> "0.60");
    }

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    TestRestTemplate http;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    ModelRegistry models;
    @Autowired
    PromptVersionRepository prompts;

    LifecycleApi api;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void setUp() {
        api = new LifecycleApi(http);
        // the upstream "model" names the category the tuned model would; the base model always says billing
        UPSTREAM.answerWith((model, input) -> model.equals(TUNED_MODEL) ? "refund" : "billing");
    }

    private long useCase(String key) {
        sampleData.loadInto(key);
        jdbc.sql("update use_case set provider = 'upstream', base_model = 'gpt-4o-mini' where key = ?").param(key)
                .update();
        return jdbc.sql("select id from use_case where key = ?").param(key).query(Long.class).single();
    }

    private String apiKey(String name, String useCase) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("useCase", useCase);
        ResponseEntity<JsonNode> created = api.call(LifecycleApi.ADMIN, HttpMethod.POST, "/api/gateway/keys", body);
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        return created.getBody().path("key").asText();
    }

    private OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1").apiKey(key).maxRetries(0)
                .build();
    }

    private static ChatCompletionCreateParams ask(String model, String input, String user) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(model)
                .addSystemMessage("You are a helpful assistant.").addUserMessage(input);
        if (user != null) {
            params.user(user);
        }
        return params.build();
    }

    @Test
    void theOfficialClientGetsTheChampionsAnswersStreamedOrNotAndEveryCallIsLogged() {
        String key = "gw-basic";
        long useCaseId = useCase(key);
        String apiKey = apiKey("support-app", key);
        OpenAIClient client = client(apiKey);
        PromptVersion prompt = prompts.findByUseCase(useCaseId, PromptVersion.Purpose.PROTOTYPE).getLast();

        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(ask("lifecycle/" + key, "I was charged twice for my subscription", "u-1"));
        ChatCompletion completion = raw.parse();
        assertThat(completion.choices().getFirst().message().content()).contains("billing");
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
        String interactionId = raw.headers().values("X-Lifecycle-Interaction-Id").getFirst();

        StringBuilder streamed = new StringBuilder();
        ChatCompletionCreateParams streaming = ask("lifecycle/" + key, "Please refund my order", null).toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        long usageChunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(streaming)) {
            List<ChatCompletionChunk> chunks = stream.stream().toList();
            chunks.forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
            usageChunks = chunks.stream().filter(chunk -> chunk.usage().isPresent()).count();
        }
        assertThat(streamed.toString()).isEqualTo("billing");
        assertThat(usageChunks).isEqualTo(1);

        // logged off the request path, with the prompt and model versions that served them
        awaitTrue(() -> count("select count(*) from interaction where use_case_id = ? and call_id is not null",
                useCaseId) == 2);
        Map<String, Object> row = jdbc.sql("select * from interaction where call_id = ?::uuid").param(interactionId)
                .query().singleRow();
        assertThat(row.get("prompt_version_id")).isEqualTo(prompt.id());
        assertThat(row.get("model_version_id")).isEqualTo(models.baseModel(useCaseId, "upstream", "gpt-4o-mini").id());
        assertThat(row.get("arm")).isEqualTo("champion");
        assertThat(row.get("input")).isEqualTo("I was charged twice for my subscription");
        assertThat(row.get("output")).isEqualTo("billing");
        assertThat(row.get("subject_id")).isEqualTo("u-1");
        assertThat((Integer) row.get("prompt_tokens")).isPositive();
        assertThat(((BigDecimal) row.get("cost_usd")).signum()).isPositive();
        assertThat(row.get("saved_prompt_tokens")).as("the base model is not pruned").isNull();
        // the upstream got the use case's prompt version, not the caller's system prompt
        assertThat(UPSTREAM.requests()).contains("POST /chat/completions");

        // feedback on the served call, by its id: it joins the use case's feedback
        HttpResponse<String> feedback = post("/v1/feedback", "Bearer " + apiKey, Map.of("interaction_id",
                interactionId, "rating", -1, "corrected_output", "refund", "comment", "wrong queue"));
        assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(200);
        assertThat(jdbc.sql("""
                        select f.corrected_output from feedback f join interaction i on i.id = f.interaction_id
                        where i.call_id = ?::uuid""").param(interactionId).query(String.class).single())
                .isEqualTo("refund");
    }

    @Test
    void aCanaryShareGoesToTheChallengerStickyPerUserAndARollbackTakesEffectOnTheNextCall() {
        String key = "gw-canary";
        long useCaseId = useCase(key);
        OpenAIClient client = client(apiKey("canary-app", key));
        PromptVersion prototype = prompts.findByUseCase(useCaseId, PromptVersion.Purpose.PROTOTYPE).getLast();
        var base = models.baseModel(useCaseId, "upstream", "gpt-4o-mini");
        long tunedId = jdbc.sql("""
                        insert into model_version (use_case_id, name, kind, provider, base_model, external_ref)
                        values (?, 'tickets-canary-ft', 'FINE_TUNED', 'upstream', 'gpt-4o-mini', ?) returning id""")
                .params(useCaseId, TUNED_MODEL).query(Long.class).single();
        PromptVersion shortPrompt = prompts.create(useCaseId, PromptVersion.Purpose.FINE_TUNED,
                new PromptSpec("Route the ticket.", "{{input}}", false, List.of()), "engineer");
        models.setAlias(useCaseId, ModelAlias.CHAMPION, base.id(), prototype.id(), null, "engineer");
        models.setAlias(useCaseId, ModelAlias.CHALLENGER, tunedId, shortPrompt.id(), null, "engineer");
        ResponseEntity<JsonNode> route = api.call(LifecycleApi.ENGINEER, HttpMethod.PUT, "/api/gateway/routes/" + key,
                Map.of("canaryShare", 0.2));
        assertThat(route.getStatusCode().value()).as(String.valueOf(route.getBody())).isEqualTo(200);

        Map<String, String> armOf = new HashMap<>();
        int challenger = 0;
        int calls = 1000;
        for (int i = 0; i < calls; i++) {
            String user = "user-" + i;
            HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                    .create(ask("lifecycle/" + key, "ticket " + i, user));
            String arm = raw.headers().values("X-Lifecycle-Arm").getFirst();
            String answer = raw.parse().choices().getFirst().message().content().orElseThrow();
            assertThat(answer).isEqualTo(arm.equals("challenger") ? "refund" : "billing");
            assertThat(raw.parse().model()).as("the model version that answered")
                    .isEqualTo(arm.equals("challenger") ? "tickets-canary-ft" : base.name());
            armOf.put(user, arm);
            challenger += arm.equals("challenger") ? 1 : 0;
        }
        // binomial(1000, 0.2): sd 12.6 calls; ±4.5 sd
        assertThat(challenger).isBetween(143, 257);
        for (int i = 0; i < 100; i++) { // the same users again: the same arms
            String user = "user-" + i;
            String arm = client.chat().completions().withRawResponse().create(ask("lifecycle/" + key, "again " + i,
                    user)).headers().values("X-Lifecycle-Arm").getFirst();
            assertThat(arm).as(user).isEqualTo(armOf.get(user));
        }
        // the challenger's short prompt saved tokens against the prototype prompt, recorded per call
        awaitTrue(() -> count("select count(*) from interaction where use_case_id = ? and call_id is not null",
                useCaseId) == calls + 100);
        assertThat(jdbc.sql("""
                        select count(*) from interaction where use_case_id = ? and arm = 'challenger'
                        and model_version_id = ? and saved_prompt_tokens > 0""").params(useCaseId, tunedId)
                .query(Long.class).single()).isGreaterThanOrEqualTo(challenger);

        // promote the tuned model (as a run would), then roll back through the API: each takes effect at once
        jdbc.sql("delete from gateway_route where use_case_id = ?").param(useCaseId).update();
        models.setAlias(useCaseId, ModelAlias.CHAMPION, tunedId, shortPrompt.id(), null, "engineer");
        assertThat(answer(client, key)).isEqualTo("refund");
        ResponseEntity<JsonNode> rollback = api.call(LifecycleApi.ENGINEER, HttpMethod.POST,
                "/api/use-cases/" + key + "/champion/rollback", Map.of("reason", "canary regressed"));
        assertThat(rollback.getStatusCode().value()).as(String.valueOf(rollback.getBody())).isEqualTo(200);
        assertThat(answer(client, key)).isEqualTo("billing");
    }

    @Test
    void badKeysUnknownUseCasesAndMalformedBodiesGetOpenAiErrorsAndLogNothing() throws Exception {
        String key = "gw-refusals";
        useCase(key);
        useCase("gw-other");
        String valid = apiKey("refusal-app", key);
        long before = count("select count(*) from interaction where call_id is not null");

        assertThatThrownBy(() -> client("llk_not-a-key").chat().completions().create(ask("lifecycle/" + key, "hi",
                null))).isInstanceOfSatisfying(UnauthorizedException.class,
                e -> assertThat(e.code()).contains("invalid_api_key"));
        assertThatThrownBy(() -> client(valid).chat().completions().create(ask("lifecycle/no-such-use-case", "hi",
                null))).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.code()).contains("model_not_found"));
        assertThatThrownBy(() -> client(valid).chat().completions().create(ask("gpt-4o", "hi", null)))
                .isInstanceOf(NotFoundException.class);
        // a key limited to one use case does not see another
        assertThatThrownBy(() -> client(valid).chat().completions().create(ask("lifecycle/gw-other", "hi", null)))
                .isInstanceOf(NotFoundException.class);

        HttpResponse<String> malformed = post("/v1/chat/completions", "Bearer " + valid, "{\"model\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json.readTree(malformed.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        HttpResponse<String> noUser = post("/v1/chat/completions", "Bearer " + valid, Map.of("model",
                "lifecycle/" + key, "messages", List.of(Map.of("role", "system", "content", "only a system prompt"))));
        assertThat(noUser.statusCode()).isEqualTo(400);
        assertThat(json.readTree(noUser.body()).path("error").path("param").asText()).isEqualTo("messages");
        HttpResponse<String> unknownInteraction = post("/v1/feedback", "Bearer " + valid, Map.of("interaction_id",
                UUID.randomUUID().toString(), "rating", 1));
        assertThat(unknownInteraction.statusCode()).isEqualTo(404);

        // a revoked key is refused from the next call on
        long keyId = jdbc.sql("select id from gateway_api_key where name = 'refusal-app'").query(Long.class).single();
        assertThat(answer(client(valid), key)).isEqualTo("billing");
        api.call(LifecycleApi.ADMIN, HttpMethod.POST, "/api/gateway/keys/" + keyId + "/revoke", Map.of());
        assertThatThrownBy(() -> answer(client(valid), key)).isInstanceOf(UnauthorizedException.class);

        LifecycleApi.sleep(300); // the log writer's flush interval: anything queued is written by now
        assertThat(count("select count(*) from interaction where call_id is not null")).isEqualTo(before + 1);
        // the errors are counted per code
        String metrics = http.withBasicAuth("admin", "admin-dev").getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).contains("lifecycle_gateway_errors_total{code=\"invalid_api_key\"")
                .contains("lifecycle_gateway_requests_total{arm=\"champion\"");
    }

    @Test
    void modelsRetrieveTheAnsweringModelAndOpenAiErrorsForWhatTheGatewayDoesNotServe() throws Exception {
        String key = "gw-compat";
        useCase(key);
        useCase("gw-compat-other");
        String apiKey = apiKey("compat-app", key);
        OpenAIClient client = client(apiKey);
        long now = Instant.now().getEpochSecond();

        // models.retrieve sends the id's slash encoded: lifecycle%2Fgw-compat; the list says the same
        Model model = client.models().retrieve("lifecycle/" + key);
        assertThat(model.id()).isEqualTo("lifecycle/" + key);
        assertThat(model.ownedBy()).isEqualTo("llm-lifecycle");
        assertThat(model.created()).as("the use case's creation").isBetween(now - 3600, now + 5);
        assertThat(client.models().list().data()).containsExactly(model);
        HttpResponse<String> unencoded = get("/v1/models/lifecycle/" + key, "Bearer " + apiKey);
        assertThat(unencoded.statusCode()).as(unencoded.body()).isEqualTo(200);
        assertThat(json.readTree(unencoded.body())).isEqualTo(json.readTree(
                "{\"id\":\"lifecycle/" + key + "\",\"object\":\"model\",\"created\":" + model.created()
                        + ",\"owned_by\":\"llm-lifecycle\"}"));
        for (String unknown : List.of("lifecycle/no-such-use-case", "lifecycle/gw-compat-other", "gpt-4o")) {
            assertThatThrownBy(() -> client.models().retrieve(unknown)).as(unknown)
                    .isInstanceOfSatisfying(NotFoundException.class, e -> {
                        assertThat(e.code()).contains("model_not_found");
                        assertThat(e.param()).contains("model");
                    });
        }
        HttpResponse<String> elsewhere = get("/api/use-cases/lifecycle%2F" + key, "Bearer " + apiKey);
        assertThat(elsewhere.statusCode()).as("an encoded slash is let through in a model id only").isEqualTo(400);

        // the answer names the model version that answered, not the alias the caller asked for
        String served = "upstream:gpt-4o-mini";
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(ask("lifecycle/" + key, "I was charged twice", null));
        assertThat(raw.parse().model()).isEqualTo(served);
        assertThat(raw.headers().values("X-Lifecycle-Model-Version")).containsExactly(served);
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(ask("lifecycle/" + key, "Please refund my order", null))) {
            assertThat(stream.stream().map(ChatCompletionChunk::model).distinct().toList()).containsExactly(served);
        }

        // one choice per request: n = 1 is served, n = 2 refused naming n
        assertThat(client.chat().completions().create(ask("lifecycle/" + key, "hi", null).toBuilder().n(1).build())
                .choices()).hasSize(1);
        assertThatThrownBy(() -> client.chat().completions().create(ask("lifecycle/" + key, "hi", null).toBuilder()
                .n(2).build())).isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).contains("n");
                    assertThat(e.type()).contains("invalid_request_error");
                });
        HttpResponse<String> mistypedN = post("/v1/chat/completions", "Bearer " + apiKey, Map.of("model",
                "lifecycle/" + key, "n", "two", "messages", List.of(Map.of("role", "user", "content", "hi"))));
        assertThat(mistypedN.statusCode()).isEqualTo(400);
        assertThat(json.readTree(mistypedN.body()).path("error").path("param").asText()).isEqualTo("n");

        // an OpenAI endpoint the gateway does not serve, and a path OpenAI does not have: OpenAI's 404
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
                .model("lifecycle/" + key).input("hi").build())).isInstanceOf(NotFoundException.class);
        HttpResponse<String> unknownPath = get("/v1/no/such/path", "Bearer " + apiKey);
        assertThat(unknownPath.statusCode()).isEqualTo(404);
        assertThat(unknownPath.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode error = json.readTree(unknownPath.body());
        assertThat(error.properties()).hasSize(1);
        assertThat(error.path("error").properties().stream().map(Map.Entry::getKey).toList())
                .containsExactly("message", "type", "param", "code");
        assertThat(error.path("error").path("message").asText()).isEqualTo("Invalid URL (GET /v1/no/such/path)");
        assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void aGenerationUseCaseOnTheLocalModelAnswersWithTheReplyItSelects() {
        String key = "gw-reply";
        sampleData.loadInto(SampleDataLoader.REPLY_USE_CASE, key); // the local provider: response selection
        long useCaseId = jdbc.sql("select id from use_case where key = ?").param(key).query(Long.class).single();
        PromptVersion prompt = prompts.findByUseCase(useCaseId, PromptVersion.Purpose.PROTOTYPE).getLast();
        List<String> knownReplies = prompt.spec().fewShot().stream().map(FewShotExample::outputText).toList();
        String lockedReply = knownReplies.stream().filter(reply -> reply.contains("account was locked")).findFirst()
                .orElseThrow();
        OpenAIClient client = client(apiKey("reply-app", key));

        String input = "I entered the wrong password a few times and now my account is locked, please help.";
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                .create(ask("lifecycle/" + key, input, "u-reply"));
        ChatCompletion completion = raw.parse();
        assertThat(completion.choices().getFirst().message().content()).contains(lockedReply);
        String interactionId = raw.headers().values("X-Lifecycle-Interaction-Id").getFirst();
        awaitTrue(() -> count("select count(*) from interaction where call_id = ?::uuid", interactionId) == 1);
        Map<String, Object> row = jdbc.sql("select * from interaction where call_id = ?::uuid").param(interactionId)
                .query().singleRow();
        assertThat(row.get("input")).isEqualTo(input);
        assertThat(row.get("output")).isEqualTo(lockedReply);
        assertThat(row.get("prompt_version_id")).isEqualTo(prompt.id());
        assertThat(row.get("output_valid")).as("a schema is extraction's").isNull();
    }

    @Test
    void anExtractionUseCaseServesTheUpstreamsJsonAsItCameAndRecordsSchemaFailures() throws Exception {
        String key = "gw-extraction";
        sampleData.loadInto(SampleDataLoader.EXTRACTION_USE_CASE, key);
        long useCaseId = jdbc.sql("""
                        update use_case set provider = 'upstream', base_model = 'gpt-4o-mini' where key = ?
                        returning id""").param(key).query(Long.class).single();
        JsonNode schema = json.readTree(jdbc.sql("""
                        select output_schema::text from use_case_contract where use_case_id = ?
                        order by version desc limit 1""").param(useCaseId).query(String.class).single());
        String valid = "{\"orderId\":\"K-23074\",\"product\":\"robot vacuum\",\"amount\":35.5,\"currency\":\"USD\","
                + "\"requestedAction\":\"refund\",\"urgency\":\"low\"}";
        // a server that ignores response_format: an action outside the schema's enum
        String violating = "{\"orderId\":\"D-90084\",\"requestedAction\":\"find my parcel\",\"urgency\":\"normal\"}";
        String validInput = "Please refund order K-23074, the robot vacuum never worked. It was $35.50. No rush.";
        String violatingInput = "Where is my parcel? Order D-90084.";
        UPSTREAM.answerWith((model, input) -> input.contains("K-23074") ? valid : violating);
        UPSTREAM.recordChatRequests();
        OpenAIClient client = client(apiKey("extraction-app", key));

        Map<String, String> interactionOf = new HashMap<>();
        for (String input : List.of(validInput, violatingInput)) {
            HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                    .create(ask("lifecycle/" + key, input, null));
            String answer = raw.parse().choices().getFirst().message().content().orElseThrow();
            assertThat(answer).as("served as the model gave it")
                    .isEqualTo(input.equals(validInput) ? valid : violating);
            interactionOf.put(input, raw.headers().values("X-Lifecycle-Interaction-Id").getFirst());
        }
        // the prompt version asks for the schema as structured output
        assertThat(UPSTREAM.chatRequests()).hasSize(2).allSatisfy(request -> {
            assertThat(request.path("response_format").path("type").asText()).isEqualTo("json_schema");
            assertThat(request.path("response_format").path("json_schema").path("schema")).isEqualTo(schema);
        });

        awaitTrue(() -> count("select count(*) from interaction where use_case_id = ? and call_id is not null",
                useCaseId) == 2);
        Map<String, Object> accepted = jdbc.sql("""
                        select output, output_valid, output_errors::text as errors from interaction
                        where call_id = ?::uuid""").param(interactionOf.get(validInput)).query().singleRow();
        assertThat(accepted.get("output")).isEqualTo(valid);
        assertThat(accepted.get("output_valid")).isEqualTo(true);
        assertThat(accepted.get("errors")).isNull();
        Map<String, Object> refused = jdbc.sql("""
                        select output, output_valid, output_errors::text as errors from interaction
                        where call_id = ?::uuid""").param(interactionOf.get(violatingInput)).query().singleRow();
        assertThat(refused.get("output")).isEqualTo(violating);
        assertThat(refused.get("output_valid")).isEqualTo(false);
        JsonNode errors = json.readTree((String) refused.get("errors"));
        assertThat(errors.isArray()).isTrue();
        assertThat(errors.toString()).contains("requestedAction");

        String metrics = http.withBasicAuth("admin", "admin-dev").getForObject("/actuator/prometheus", String.class);
        assertThat(metrics.lines().filter(line -> line.startsWith("lifecycle_gateway_schema_failures_total{")
                && line.contains("use_case=\"" + key + "\"")))
                .singleElement().satisfies(line -> assertThat(line).endsWith(" 1.0"));
    }

    private static String answer(OpenAIClient client, String useCase) {
        return client.chat().completions().create(ask("lifecycle/" + useCase, "where is my money", null)).choices()
                .getFirst().message().content().orElseThrow();
    }

    private HttpResponse<String> post(String path, String authorization, Object body) {
        try {
            String text = body instanceof String s ? s : json.writeValueAsString(body);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(text)).build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path, String authorization) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", authorization).GET().build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 20 s");
            }
            LifecycleApi.sleep(50);
        }
    }
}
