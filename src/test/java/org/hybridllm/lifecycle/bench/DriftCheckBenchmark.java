package org.hybridllm.lifecycle.bench;

import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.hybridllm.lifecycle.model.ModelAlias;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.postgresql.PGConnection;

/**
 * One drift check (POST /api/use-cases/{key}/drift-checks: every signal, against the champion) over a window of
 * logged interactions, against a plain {@code COPY ... TO STDOUT} of the same rows (what reading the window out of
 * PostgreSQL costs at the least). The check reads aggregates and a capped random sample, so its memory stays flat;
 * its time is the window's scans plus the embedding of at most 200 inputs.
 */
final class DriftCheckBenchmark implements Benchmark {

    private static final AtomicInteger RUNS = new AtomicInteger();

    @Override
    public String name() {
        return "drift check (1 M logged interactions)";
    }

    @Override
    public String target() {
        return "<= 3 x COPY of the window";
    }

    @Override
    public boolean met(Map<String, Summary> byMetric) {
        return byMetric.get("seconds").medianRatio() <= 3.0;
    }

    @Override
    public List<Measurement> run(BenchContext context) throws Exception {
        int rows = context.size(1_000_000, 5_000);
        String key = "bench-monitor-" + RUNS.incrementAndGet();
        context.app().getBean(SampleDataLoader.class).loadInto(key);
        UseCase useCase = context.app().getBean(UseCaseRepository.class).require(key);
        ModelRegistry models = context.app().getBean(ModelRegistry.class);
        ModelVersion base = models.baseModel(useCase.id(), useCase.provider(), useCase.baseModel());
        long prompt = context.jdbc().sql("select min(id) from prompt_version where use_case_id = ?")
                .param(useCase.id()).query(Long.class).single();
        models.setAlias(useCase.id(), ModelAlias.CHAMPION, base.id(), prompt, null, "bench");

        // the window: an hour of rows as the gateway logs them (latency, cost, a label), 1 in 10 rated; it ends
        // before the sample's own interactions (logged at load time) so that it holds exactly the generated rows
        Instant to = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Instant from = to.minus(1, ChronoUnit.HOURS);
        List<String> labels = useCase.labelNames();
        context.jdbc().sql("""
                        insert into interaction (use_case_id, input, output, latency_ms, cost_usd, created_at)
                        select ?, 'Ticket ' || g || ': my order ' || (g::bigint * 7919 % 100003) || ' has a problem, please help',
                               (?::text[])[1 + g % ?], 20 + g % 50, 0.000001,
                               ?::timestamptz + (g::double precision / ?) * interval '1 hour'
                        from generate_series(1, ?) g""")
                .params(useCase.id(), labels.toArray(new String[0]), labels.size(), Timestamp.from(from),
                        rows, rows)
                .update();
        context.jdbc().sql("""
                        insert into feedback (interaction_id, rating, created_by, created_at)
                        select id, case when id % 4 = 0 then -1 else 1 end, 'bench', created_at from interaction
                        where use_case_id = ? and id % 10 = 0""")
                .param(useCase.id()).update();
        context.jdbc().sql("analyze interaction").update();

        String body = "{\"from\":\"" + from.minusSeconds(1) + "\",\"to\":\"" + to.plusSeconds(1) + "\"}";
        long started = System.nanoTime();
        HttpResponse<String> response = HttpClient.newHttpClient().send(context.request("/api/use-cases/" + key
                        + "/drift-checks", "engineer", "engineer-dev").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        double checkSeconds = (System.nanoTime() - started) / 1e9;
        if (response.statusCode() != 201 || !response.body().contains("\"interactions\":" + rows)) {
            throw new IllegalStateException("the check did not cover the window: " + response.statusCode() + " "
                    + response.body());
        }
        double copySeconds = copyOut(context.app().getBean(DataSource.class), useCase.id(), from.minusSeconds(1),
                to.plusSeconds(1));
        return List.of(new Measurement(name(), "seconds", "s", checkSeconds, copySeconds, false));
    }

    private static double copyOut(DataSource dataSource, long useCaseId, Instant from, Instant to) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            long started = System.nanoTime();
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select input, output, latency_ms, "
                    + "cost_usd, created_at from interaction where use_case_id = " + useCaseId + " and created_at > '"
                    + from + "' and created_at <= '" + to + "') to stdout", Writer.nullWriter());
            return (System.nanoTime() - started) / 1e9;
        }
    }
}
