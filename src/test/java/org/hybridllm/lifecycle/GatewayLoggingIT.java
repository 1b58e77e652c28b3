package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

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
 * the drops are counted, never silent; across a graceful shutdown every call that was answered is logged.
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
