package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hybridllm.lifecycle.provider.openai.FakeOpenAiServer;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import java.util.function.BooleanSupplier;

/**
 * The gateway's interaction log under stress: with its queue full (the database stalled) calls still succeed and
 * the drops are counted, never silent; across a graceful shutdown every call that was answered is logged; a call
 * the database cannot store is quarantined and holds up no other.
 */
class GatewayLoggingIT {

    static final FakeOpenAiServer UPSTREAM = FakeOpenAiServer.started("sk-upstream");

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @Test
    void withTheLogQueueFullCallsStillSucceedAndTheDropsAreCounted() throws Exception {
        try (ConfigurableApplicationContext app = app("lifecycle.gateway.log-queue-capacity=20")) {
            String useCase = "gw-overload";
            OpenAIClient client = client(app, useCase);
            MeterRegistry meters = app.getBean(MeterRegistry.class);
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            long useCaseId = jdbc.sql("select id from use_case where key = ?").param(useCase).query(Long.class)
                    .single();
            int calls = 80;
            double droppedBefore = dropped(meters);
            // the database stalls: the log writer blocks on its insert and the queue fills up
            try (Connection stall = DriverManager.getConnection(TestDatabase.get().url(), TestDatabase.get().user(),
                    TestDatabase.get().password())) {
                stall.setAutoCommit(false);
                try (Statement statement = stall.createStatement()) {
                    statement.execute("lock table interaction in exclusive mode");
                }
                for (int i = 0; i < calls; i++) {
                    assertThat(ask(client, useCase, "ticket " + i)).isEqualTo("billing");
                }
                double dropped = dropped(meters) - droppedBefore;
                assertThat(dropped).as("at most 20 queued and one batch in the writer's hands").isGreaterThan(40);
                stall.rollback();

                // once the database answers again, everything that was queued is written
                long expected = calls - (long) dropped;
                awaitTrue(() -> jdbc.sql("select count(*) from interaction where use_case_id = ? and call_id is not null")
                        .param(useCaseId).query(Long.class).single() == expected);
            }
        }
    }

    @Test
    void everyAnsweredCallIsLoggedAcrossAGracefulShutdown() throws Exception {
        ConfigurableApplicationContext app = app();
        String useCase = "gw-shutdown";
        OpenAIClient client = client(app, useCase);
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicBoolean stopping = new AtomicBoolean();
        List<Future<?>> callers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                int caller = t;
                callers.add(pool.submit(() -> {
                    for (int i = 0; !stopping.get(); i++) {
                        try {
                            answered.add(client.chat().completions().withRawResponse()
                                    .create(params(useCase, "caller " + caller + " call " + i)).headers()
                                    .values("X-Lifecycle-Interaction-Id").getFirst());
                        } catch (RuntimeException refusedWhileStopping) {
                            return; // the server no longer takes requests
                        }
                    }
                }));
            }
            awaitTrue(() -> answered.size() >= 200); // calls keep coming while the app shuts down
            stopping.set(true);
            app.close(); // graceful: in-flight calls finish, then the log writer writes what is queued
        }
        assertThat(answered).hasSizeGreaterThanOrEqualTo(200);
        try (Connection db = DriverManager.getConnection(TestDatabase.get().url(), TestDatabase.get().user(),
                TestDatabase.get().password());
             var select = db.prepareStatement("select count(*) from interaction where call_id = any(?::uuid[])")) {
            select.setArray(1, db.createArrayOf("text", answered.toArray()));
            try (var rs = select.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(answered.size());
            }
        }
    }

    /**
     * The issue: one NUL in a chat message made the writer retry its batch for ever and every later call queue
     * behind it. Now the NUL call is served, kept in interaction_quarantine (exactly, as escaped JSON) and
     * counted, and the 500 calls after it are logged; so is one whose {@code user} holds a NUL, and one the
     * database itself refuses (a check constraint this test adds), which carries its SQLSTATE.
     */
    @Test
    void aCallTheDatabaseCannotStoreIsQuarantinedAndHoldsUpNoOther() throws Exception {
        try (ConfigurableApplicationContext app = app()) {
            String useCase = "gw-nul";
            OpenAIClient client = client(app, useCase);
            MeterRegistry meters = app.getBean(MeterRegistry.class);
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            long useCaseId = jdbc.sql("select id from use_case where key = ?").param(useCase).query(Long.class)
                    .single();
            String nulInput = "I was charged twice\u0000 for one order";
            var nulCall = client.chat().completions().withRawResponse().create(params(useCase, nulInput));
            assertThat(nulCall.statusCode()).isEqualTo(200);
            assertThat(nulCall.parse().choices().getFirst().message().content()).contains("billing");
            String nulCallId = nulCall.headers().values("X-Lifecycle-Interaction-Id").getFirst();
            String nulUserId = client.chat().completions().withRawResponse()
                    .create(params(useCase, "where is my refund").toBuilder().user("customer\u0000 42").build())
                    .headers().values("X-Lifecycle-Interaction-Id").getFirst();

            List<String> answered = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                answered.add(client.chat().completions().withRawResponse().create(params(useCase, "ticket " + i))
                        .headers().values("X-Lifecycle-Interaction-Id").getFirst());
            }
            awaitTrue(() -> jdbc.sql("select count(*) from interaction where use_case_id = ? and call_id is not null")
                    .param(useCaseId).query(Long.class).single() == 500);
            assertThat(jdbc.sql("select count(*) from interaction where call_id = any(?::uuid[])")
                    .param(answered.toArray(String[]::new)).query(Long.class).single()).isEqualTo(500);

            // the NUL calls: not interactions, but quarantined as they were (the payload is JSON, U+0000 escaped)
            assertThat(jdbc.sql("select count(*) from interaction where call_id in (?::uuid, ?::uuid)")
                    .params(nulCallId, nulUserId).query(Long.class).single()).isZero();
            Map<String, Object> quarantined = jdbc.sql("""
                            select use_case_id, payload::text as payload, sql_state, reason
                            from interaction_quarantine where call_id = ?::uuid""").param(nulCallId).query()
                    .singleRow();
            assertThat(quarantined.get("use_case_id")).isEqualTo(useCaseId);
            assertThat(quarantined.get("sql_state")).isNull();
            assertThat(quarantined.get("reason")).isEqualTo(
                    "text PostgreSQL cannot store: input holds U+0000 (NUL) at index 19");
            JsonNode payload = new ObjectMapper().readTree((String) quarantined.get("payload"));
            assertThat(payload.path("input").asText()).isEqualTo(nulInput);
            assertThat(payload.path("output").asText()).isEqualTo("billing");
            assertThat(payload.path("call_id").asText()).isEqualTo(nulCallId);
            assertThat(jdbc.sql("select reason from interaction_quarantine where call_id = ?::uuid")
                    .param(nulUserId).query(String.class).single()).contains("subject_id holds U+0000");
            assertThat(meters.get("lifecycle.gateway.log.quarantined").counter().count()).isEqualTo(2);
            assertThat(dropped(meters)).isZero();

            // feedback on a quarantined call says why it cannot attach
            String port = app.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> feedback = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/v1/feedback"))
                    .header("Authorization", "Bearer " + apiKeys.get(useCase))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"interaction_id\": \"" + nulCallId
                            + "\", \"rating\": 1}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(feedback.statusCode()).isEqualTo(404);
            assertThat(feedback.body()).contains("interaction_not_logged");
            // feedback is stored: text it cannot hold is refused, naming the parameter, in OpenAI's format
            long feedbackBefore = jdbc.sql("select count(*) from feedback").query(Long.class).single();
            HttpResponse<String> nulComment = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/v1/feedback"))
                    .header("Authorization", "Bearer " + apiKeys.get(useCase))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"interaction_id\": \"" + answered.getFirst()
                            + "\", \"rating\": 1, \"comment\": \"bad\\u0000\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(nulComment.statusCode()).as(nulComment.body()).isEqualTo(400);
            JsonNode error = new ObjectMapper().readTree(nulComment.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("param").asText()).isEqualTo("comment");
            assertThat(jdbc.sql("select count(*) from feedback").query(Long.class).single()).isEqualTo(feedbackBefore);

            // a row the database itself refuses: written again one by one, the refused one quarantined
            jdbc.sql("alter table interaction add constraint test_no_poison check (input not like '%poison%')"
                    + " not valid").update();
            try {
                List<String> around = new ArrayList<>();
                String poisonId = null;
                for (int i = 0; i < 40; i++) {
                    String id = client.chat().completions().withRawResponse()
                            .create(params(useCase, i == 20 ? "poison pill" : "after " + i)).headers()
                            .values("X-Lifecycle-Interaction-Id").getFirst();
                    if (i == 20) {
                        poisonId = id;
                    } else {
                        around.add(id);
                    }
                }
                String refused = poisonId;
                awaitTrue(() -> jdbc.sql("select count(*) from interaction_quarantine where call_id = ?::uuid")
                        .param(refused).query(Long.class).single() == 1);
                awaitTrue(() -> jdbc.sql("select count(*) from interaction where call_id = any(?::uuid[])")
                        .param(around.toArray(String[]::new)).query(Long.class).single() == 39);
                Map<String, Object> row = jdbc.sql("select sql_state, reason from interaction_quarantine"
                        + " where call_id = ?::uuid").param(refused).query().singleRow();
                assertThat(row.get("sql_state")).isEqualTo("23514");
                assertThat((String) row.get("reason")).contains("test_no_poison").doesNotContain("poison pill");
                assertThat(meters.get("lifecycle.gateway.log.quarantined").counter().count()).isEqualTo(3);
            } finally {
                jdbc.sql("alter table interaction drop constraint test_no_poison").update();
            }
        }
    }

    private static final Map<String, String> apiKeys = new ConcurrentHashMap<>();

    private static ConfigurableApplicationContext app(String... overrides) {
        List<String> properties = new ArrayList<>(List.of(
                "lifecycle.providers.upstream.base-url=" + UPSTREAM.baseUrl(),
                "lifecycle.providers.upstream.api-key=sk-upstream"));
        properties.addAll(List.of(overrides));
        return TestEnvironment.startApp(properties.toArray(String[]::new));
    }

    /** A use case on the upstream fake, an API key for it, and an official OpenAI client pointed at the gateway. */
    private static OpenAIClient client(ConfigurableApplicationContext app, String useCase) throws Exception {
        app.getBean(SampleDataLoader.class).loadInto(useCase);
        app.getBean(JdbcClient.class).sql("update use_case set provider = 'upstream', base_model = 'gpt-4o-mini'"
                + " where key = ?").param(useCase).update();
        String port = app.getEnvironment().getProperty("local.server.port");
        HttpRequest create = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/gateway/keys"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:admin-dev".getBytes()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + useCase + "-app\"}")).build();
        HttpResponse<String> created = HttpClient.newHttpClient().send(create, HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = new ObjectMapper().readTree(created.body()).path("key").asText();
        apiKeys.put(useCase, key);
        return OpenAIOkHttpClient.builder().baseUrl("http://localhost:" + port + "/v1").apiKey(key).maxRetries(0)
                .build();
    }

    private static ChatCompletionCreateParams params(String useCase, String input) {
        return ChatCompletionCreateParams.builder().model("lifecycle/" + useCase).addUserMessage(input).build();
    }

    private static String ask(OpenAIClient client, String useCase, String input) {
        return client.chat().completions().create(params(useCase, input)).choices().getFirst().message().content()
                .orElseThrow();
    }

    private static double dropped(MeterRegistry meters) {
        return meters.get("lifecycle.gateway.log.dropped").counter().count();
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
