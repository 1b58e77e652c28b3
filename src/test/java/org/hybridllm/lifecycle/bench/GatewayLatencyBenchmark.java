package org.hybridllm.lifecycle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import java.util.function.IntFunction;

/**
 * The gateway's added latency: the same chat completions at the same fixed rate, once straight to the upstream
 * model server (an in-process fake speaking OpenAI's wire format) and once through the gateway (API key check,
 * route, prompt rendering, the upstream call through the provider adapter, logging on).
 */
final class GatewayLatencyBenchmark implements Benchmark {

    private static final String USE_CASE = "bench-gateway";
    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String name() {
        return "gateway added latency";
    }

    @Override
    public String target() {
        return "p99 added < 2 ms";
    }

    @Override
    public boolean met(Map<String, Summary> byMetric) {
        return byMetric.get("p99").medianDifference() < 2.0;
    }

    @Override
    public List<Measurement> run(BenchContext context) throws Exception {
        String key = setUp(context);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int rate = context.size(200, 50);
        Duration duration = Duration.ofSeconds(context.size(20, 2));
        Duration warmUp = Duration.ofSeconds(context.size(5, 1));
        String viaGateway = json.writeValueAsString(Map.of("model", "lifecycle/" + USE_CASE, "messages",
                List.of(Map.of("role", "user", "content", "I was charged twice for my subscription"))));
        // the baseline sends exactly what the gateway sends upstream (the prompt version rendered, few-shot turns)
        HttpResponse<String> first = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + context.port() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(viaGateway)).build(), HttpResponse.BodyHandlers.ofString());
        if (first.statusCode() != 200) {
            throw new IllegalStateException("the gateway refused the benchmark's call: " + first.body());
        }
        byte[] direct = context.upstream().lastChatRequest();
        URI upstream = URI.create(context.upstream().baseUrl() + "/chat/completions");
        URI gateway = URI.create("http://localhost:" + context.port() + "/v1/chat/completions");
        IntFunction<HttpRequest> directRequests = i -> HttpRequest.newBuilder(upstream)
                .header("Authorization", "Bearer " + BenchContext.UPSTREAM_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(direct)).build();
        IntFunction<HttpRequest> gatewayRequests = i -> HttpRequest.newBuilder(gateway)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(viaGateway)).build();

        OpenLoop.run(client, directRequests, rate, warmUp);
        OpenLoop.run(client, gatewayRequests, rate, warmUp);
        OpenLoop.Result baseline = OpenLoop.run(client, directRequests, rate, duration);
        OpenLoop.Result measured = OpenLoop.run(client, gatewayRequests, rate, duration);
        if (baseline.failed() + measured.failed() > 0) {
            throw new IllegalStateException(baseline.failed() + " direct and " + measured.failed()
                    + " gateway requests failed; first: " + (baseline.firstFailure() != null
                    ? baseline.firstFailure() : measured.firstFailure()));
        }
        return List.of(
                new Measurement(name(), "p50", "ms", measured.latencies().percentileMillis(50),
                        baseline.latencies().percentileMillis(50), false),
                new Measurement(name(), "p99", "ms", measured.latencies().percentileMillis(99),
                        baseline.latencies().percentileMillis(99), false));
    }

    private String setUp(BenchContext context) throws Exception {
        context.app().getBean(SampleDataLoader.class).loadInto(USE_CASE);
        context.jdbc().sql("update use_case set provider = 'upstream', base_model = 'gpt-4o-mini' where key = ?")
                .param(USE_CASE).update();
        HttpResponse<String> created = HttpClient.newHttpClient().send(context.request("/api/gateway/keys", "admin",
                        "admin-dev").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"bench\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("cannot create a gateway key: " + created.body());
        }
        return json.readTree(created.body()).path("key").asText();
    }
}
