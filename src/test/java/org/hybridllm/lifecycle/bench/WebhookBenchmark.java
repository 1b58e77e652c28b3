package org.hybridllm.lifecycle.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.hybridllm.lifecycle.TestEnvironment;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.webhook.WebhookController;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Signed {@code run.start} webhooks at a fixed rate: each answer comes once the run is recorded and its process
 * instance created on the embedded engine. Baseline: the same requests to an endpoint that only verifies the
 * signature. Runs in an app of its own whose job workers are off, so that thousands of started runs wait at
 * their first stage instead of running the cycle. Afterwards every delivery must have exactly one run with a
 * process instance: none lost, none twice.
 */
final class WebhookBenchmark implements Benchmark, AutoCloseable {

    private static final String USE_CASE = "bench-webhook";
    private static final AtomicInteger RUNS = new AtomicInteger();
    private ConfigurableApplicationContext app;

    @Override
    public String name() {
        return "webhook → process instance";
    }

    @Override
    public String target() {
        return "p99 < 50 ms; 0 lost, 0 duplicated";
    }

    @Override
    public boolean met(Map<String, Summary> byMetric) {
        Summary p99 = byMetric.get("p99 at 200/s");
        return p99 != null && p99.medianValue() < 50 && byMetric.get("lost + duplicated").medianValue() == 0
                && byMetric.get("refused (503)").medianValue() == 0;
    }

    @Override
    public List<Measurement> run(BenchContext context) throws Exception {
        if (app == null) {
            app = TestEnvironment.startAppWithItsOwnModel("lifecycle.bench.enabled=true",
                    "camunda.client.worker.defaults.enabled=false",
                    "logging.level.root=WARN");
            app.getBean(SampleDataLoader.class).loadInto(USE_CASE);
        }
        String port = app.getEnvironment().getProperty("local.server.port");
        String secret = app.getEnvironment().getProperty("lifecycle.webhooks.sources.ci.secret");
        // BENCH_WEBHOOK_RATE: a lower rate for engines that do not hold 200/s (see BENCHMARKS.md)
        int rate = context.size(Integer.parseInt(System.getenv().getOrDefault("BENCH_WEBHOOK_RATE", "200")), 20);
        Duration duration = Duration.ofSeconds(context.size(60, 1));
        int run = RUNS.incrementAndGet();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI webhook = URI.create("http://localhost:" + port + "/api/webhooks/ci");
        URI verifyOnly = URI.create("http://localhost:" + port + "/bench/webhooks/ci");

        OpenLoop.run(client, signed(verifyOnly, secret, "warm-" + run), rate, Duration.ofSeconds(context.size(5, 1)));
        OpenLoop.Result baseline = OpenLoop.run(client, signed(verifyOnly, secret, "base-" + run), rate, duration);
        OpenLoop.Result measured = OpenLoop.run(client, signed(webhook, secret, "run-" + run), rate, duration);

        if (baseline.failed() > 0) {
            throw new IllegalStateException("the signature-only endpoint refused: " + baseline.firstFailure());
        }
        if (measured.failed() > 0) {
            System.err.println("webhook: " + measured.failed() + " requests failed, first: " + measured.firstFailure());
        }
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        long deliveries = jdbc.sql("select count(*) from webhook_delivery where idempotency_key like ?")
                .param("bench-run-" + run + "-%").query(Long.class).single();
        long runs = jdbc.sql("""
                        select count(distinct r.id) from lifecycle_run r join use_case u on u.id = r.use_case_id
                        where u.key = ? and r.started_by = 'webhook:ci' and r.process_instance_key is not null
                          and r.status = 'RUNNING'""")
                .param(USE_CASE).query(Long.class).single();
        // counted: set aside, so that the next repetition counts its own
        jdbc.sql("update lifecycle_run set status = 'CANCELLED' where status = 'RUNNING' and started_by = 'webhook:ci'")
                .update();
        // and a new engine for it: the embedded engine's work per command grows with the instances it holds
        // (BENCHMARKS.md), and this repetition's thousands of instances wait for workers that are off
        close();
        app = null;
        // accepted (202) deliveries must have exactly one run with a process instance; a refused one (503, the
        // engine did not take it) is answered as such and its run recorded INTERRUPTED: counted apart
        long accepted = measured.sent() - measured.failed();
        long wrong = Math.abs(accepted - runs) + Math.abs(measured.sent() - deliveries); // one delivery per request
        return List.of(
                new Measurement(name(), "p50 at " + rate + "/s", "ms", measured.latencies().percentileMillis(50),
                        baseline.latencies().percentileMillis(50), false),
                new Measurement(name(), "p99 at " + rate + "/s", "ms", measured.latencies().percentileMillis(99),
                        baseline.latencies().percentileMillis(99), false),
                new Measurement(name(), "lost + duplicated", "runs", wrong, 0, false),
                new Measurement(name(), "accepted (202)", "requests", accepted, baseline.sent(), true),
                new Measurement(name(), "refused (503)", "requests", measured.failed(), 0, false));
    }

    private static IntFunction<HttpRequest> signed(URI uri, String secret, String idPrefix) {
        return i -> {
            byte[] body = ("{\"type\": \"run.start\", \"id\": \"bench-" + idPrefix + "-" + i
                    + "\", \"data\": {\"useCase\": \"" + USE_CASE + "\"}}").getBytes(StandardCharsets.UTF_8);
            String timestamp = String.valueOf(Instant.now().getEpochSecond());
            return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .header(WebhookController.TIMESTAMP_HEADER, timestamp)
                    .header(WebhookController.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        };
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
