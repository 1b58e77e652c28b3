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
import org.hybridllm.lifecycle.TestDatabase;
import org.hybridllm.lifecycle.TestEnvironment;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.webhook.WebhookController;
import org.hybridllm.lifecycle.webhook.WebhookSignature;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Signed {@code run.start} webhooks at a fixed rate, open loop: each is answered 202 once its run is queued
 * (delivery, run and start request in one transaction); the run module's dispatcher creates the process instances
 * on the embedded engine meanwhile and afterwards. Baseline: the same requests to an endpoint that only verifies
 * the signature. Runs in an app of its own whose job workers are off, so that thousands of started runs wait at
 * their first stage instead of running the cycle. Then it waits for the dispatcher to drain the queue (at most
 * {@code BENCH_WEBHOOK_DRAIN}, default 15 minutes) and checks every accepted delivery: exactly one run, RUNNING
 * with a process instance recorded with its start request; none lost, none with a second instance.
 */
final class WebhookBenchmark implements Benchmark, AutoCloseable {

    private static final String USE_CASE = "bench-webhook";
    private static final AtomicInteger RUNS = new AtomicInteger();
    private ConfigurableApplicationContext app;

    @Override
    public String name() {
        return "webhook → queued run → process instance";
    }

    @Override
    public String target() {
        return "p99 < 50 ms; 0 refused, 0 lost, 0 duplicated";
    }

    @Override
    public boolean met(Map<String, Summary> byMetric) {
        Summary p99 = byMetric.entrySet().stream().filter(e -> e.getKey().startsWith("p99 at"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        return p99 != null && p99.medianValue() < 50 && byMetric.get("lost + duplicated").medianValue() == 0
                && byMetric.get("refused (non-2xx)").medianValue() == 0;
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
        // BENCH_WEBHOOK_RATE: another rate than the target's 200/s
        int rate = context.size(Integer.parseInt(System.getenv().getOrDefault("BENCH_WEBHOOK_RATE", "200")), 20);
        Duration duration = Duration.ofSeconds(context.size(60, 1));
        Duration drainLimit = Duration.parse(System.getenv().getOrDefault("BENCH_WEBHOOK_DRAIN", "PT15M"));
        int run = RUNS.incrementAndGet();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI webhook = URI.create("http://localhost:" + port + "/api/webhooks/ci");
        URI verifyOnly = URI.create("http://localhost:" + port + "/bench/webhooks/ci");

        OpenLoop.run(client, signed(verifyOnly, secret, "warm-" + run), rate, Duration.ofSeconds(context.size(5, 1)));
        // the intake's own path warmed too (JIT, statement preparation, pool), as the baseline's is above: 3 s of
        // deliveries whose runs queue ahead of the measured ones, not counted (their keys are not the run's)
        OpenLoop.run(client, signed(webhook, secret, "warm-intake-" + run), rate,
                Duration.ofSeconds(context.size(3, 1)));
        OpenLoop.Result baseline = OpenLoop.run(client, signed(verifyOnly, secret, "base-" + run), rate, duration);
        OpenLoop.Result measured = OpenLoop.run(client, signed(webhook, secret, "run-" + run), rate, duration);
        Instant loadEnded = Instant.now();
        System.err.println("webhook: slowest answer (ms) per tenth of the run: ours " + measured.slowestByTenth()
                + "; signature only " + baseline.slowestByTenth());

        if (baseline.failed() > 0) {
            throw new IllegalStateException("the signature-only endpoint refused: " + baseline.firstFailure());
        }
        if (measured.failed() > 0) {
            System.err.println("webhook: " + measured.failed() + " requests failed, first: " + measured.firstFailure());
        }
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        String keys = "bench-run-" + run + "-%";
        long backlogAtEnd = undispatched(jdbc, keys);
        Instant drainDeadline = loadEnded.plus(drainLimit);
        long left = backlogAtEnd;
        while (left > 0 && Instant.now().isBefore(drainDeadline)) {
            Thread.sleep(1000);
            left = undispatched(jdbc, keys);
        }
        Dispatch dispatch = jdbc.sql("""
                        select count(*), extract(epoch from max(q.dispatched_at) - min(q.dispatched_at)),
                               extract(epoch from max(q.dispatched_at))
                        from webhook_delivery d join run_start_request q on q.run_id = (d.response::jsonb ->> 'runId')::uuid
                        where d.idempotency_key like ? and q.dispatched_at is not null""")
                .param(keys)
                .query((rs, i) -> new Dispatch(rs.getLong(1), rs.getDouble(2), rs.getDouble(3))).single();
        long deliveries = jdbc.sql("select count(*) from webhook_delivery where idempotency_key like ?")
                .param(keys).query(Long.class).single();
        // each accepted delivery's run: RUNNING with the instance its start request recorded
        long started = jdbc.sql("""
                        select count(distinct r.id)
                        from webhook_delivery d join lifecycle_run r on r.id = (d.response::jsonb ->> 'runId')::uuid
                        join run_start_request q on q.run_id = r.id
                        where d.idempotency_key like ? and d.status_code = 202 and r.status = 'RUNNING'
                          and r.process_instance_key = q.process_instance_key""")
                .param(keys).query(Long.class).single();
        long secondInstances = jdbc.sql("""
                        select count(*) from audit_event a join webhook_delivery d
                          on a.run_id = (d.response::jsonb ->> 'runId')::uuid
                        where d.idempotency_key like ? and a.action = 'DUPLICATE_INSTANCE_CANCELLED'""")
                .param(keys).query(Long.class).single();
        // a new engine for the next repetition: the embedded engine's work per command grows with the instances
        // it holds (BENCHMARKS.md), and this repetition's thousands of instances wait for workers that are off.
        // Stopped first, so that its dispatcher holds no lock on the rows set aside next
        close();
        app = null;
        // counted: set aside, so that the next repetition counts its own
        TestDatabase.Connection db = TestDatabase.get();
        SingleConnectionDataSource connection = new SingleConnectionDataSource(db.url(), db.user(), db.password(),
                true);
        try {
            JdbcClient setAside = JdbcClient.create(connection);
            setAside.sql("update lifecycle_run set status = 'CANCELLED' where status in ('QUEUED', 'RUNNING') "
                    + "and started_by = 'webhook:ci'").update();
            setAside.sql("update run_start_request set dispatched_at = now() where dispatched_at is null").update();
        } finally {
            connection.destroy();
        }
        long accepted = measured.sent() - measured.failed();
        // one delivery per request, one started run per accepted delivery, no second instance of any
        long wrong = Math.abs(accepted - started) + Math.abs(measured.sent() - deliveries) + secondInstances;
        double drainSeconds = left > 0 ? Double.NaN
                : Math.max(0, dispatch.lastEpochSeconds() - loadEnded.toEpochMilli() / 1000.0);
        if (left > 0) {
            System.err.println("webhook: " + left + " runs still queued " + drainLimit + " after the load");
        }
        return List.of(
                new Measurement(name(), "p50 at " + rate + "/s", "ms", measured.latencies().percentileMillis(50),
                        baseline.latencies().percentileMillis(50), false),
                new Measurement(name(), "p99 at " + rate + "/s", "ms", measured.latencies().percentileMillis(99),
                        baseline.latencies().percentileMillis(99), false),
                new Measurement(name(), "lost + duplicated", "runs", wrong, 0, false),
                new Measurement(name(), "accepted (202)", "requests", accepted, baseline.sent(), true),
                new Measurement(name(), "refused (non-2xx)", "requests", measured.failed(), 0, false),
                new Measurement(name(), "dispatcher, sustained", "instances/s",
                        dispatch.spanSeconds() > 0 ? dispatch.count() / dispatch.spanSeconds() : Double.NaN, rate,
                        true),
                new Measurement(name(), "queued when the load ended", "runs", backlogAtEnd, 0, false),
                new Measurement(name(), "time to drain after the load", "s", drainSeconds, 0, false),
                new Measurement(name(), "still queued at the drain limit", "runs", left, 0, false));
    }

    private record Dispatch(long count, double spanSeconds, double lastEpochSeconds) {
    }

    private static long undispatched(JdbcClient jdbc, String keys) {
        return jdbc.sql("""
                        select count(*) from webhook_delivery d
                        join run_start_request q on q.run_id = (d.response::jsonb ->> 'runId')::uuid
                        where d.idempotency_key like ? and q.dispatched_at is null""")
                .param(keys).query(Long.class).single();
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
