package org.hybridllm.lifecycle.bench;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.postgresql.PGConnection;

/**
 * Feedback ingestion through the batch API (NDJSON streamed over HTTP: parsed, checked against the use case,
 * written in array-valued chunks) against PostgreSQL's {@code COPY} of the same rows into the same tables
 * (interaction and feedback, ids from the same sequence). Target (issue 18): 75 % of COPY.
 */
final class FeedbackIngestionBenchmark implements Benchmark {

    private static final AtomicInteger RUNS = new AtomicInteger();

    @Override
    public String name() {
        return "feedback ingestion (NDJSON batch API)";
    }

    @Override
    public String target() {
        return ">= 75 % of COPY";
    }

    @Override
    public boolean met(Map<String, Summary> byMetric) {
        return byMetric.get("rows/s").medianRatio() >= 0.75;
    }

    @Override
    public List<Measurement> run(BenchContext context) throws Exception {
        int rows = context.size(100_000, 2_000);
        int run = RUNS.incrementAndGet();
        String apiUseCase = "bench-ingest-api-" + run;
        String copyUseCase = "bench-ingest-copy-" + run;
        SampleDataLoader samples = context.app().getBean(SampleDataLoader.class);
        samples.loadInto(apiUseCase);
        samples.loadInto(copyUseCase);
        // the labels live in the use case's versioned contract (V15)
        List<String> labels = context.app().getBean(UseCaseRepository.class).require(apiUseCase).labelNames();

        ByteArrayOutputStream ndjson = new ByteArrayOutputStream(rows * 200);
        long copyUseCaseId = context.jdbc().sql("select id from use_case where key = ?").param(copyUseCase)
                .query(Long.class).single();
        for (int i = 0; i < rows; i++) {
            String input = "Ticket " + i + ": my order " + (i * 7919 % 100_003) + " has a problem, please help";
            String output = labels.get(i % labels.size());
            boolean bad = i % 4 == 0;
            String corrected = bad ? labels.get((i + 1) % labels.size()) : null;
            ndjson.write(("{\"useCase\":\"" + apiUseCase + "\",\"externalId\":\"e-" + i + "\",\"input\":\"" + input
                    + "\",\"output\":\"" + output + "\",\"rating\":" + (bad ? -1 : 1)
                    + (bad ? ",\"correctedOutput\":\"" + corrected + "\"" : "") + "}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = ndjson.toByteArray();

        // ours: the batch API, streamed
        HttpClient client = HttpClient.newHttpClient();
        long started = System.nanoTime();
        HttpResponse<String> response = client.send(context.request("/api/feedback/batch", "engineer",
                        "engineer-dev").header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        double apiSeconds = (System.nanoTime() - started) / 1e9;
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("batch API refused the rows: " + response.body());
        }

        // baseline: COPY of the same rows (ids taken from the same sequence first)
        double copySeconds = copy(context.app().getBean(DataSource.class), copyUseCaseId, rows, labels);
        long written = context.jdbc().sql("""
                        select count(*) from feedback f join interaction i on i.id = f.interaction_id
                        join use_case u on u.id = i.use_case_id where u.key in (?, ?) and i.external_id like 'e-%'""")
                .params(apiUseCase, copyUseCase).query(Long.class).single();
        if (written != 2L * rows) {
            throw new IllegalStateException("expected " + 2 * rows + " feedback rows, found " + written);
        }
        return List.of(new Measurement(name(), "rows/s", "rows/s", rows / apiSeconds, rows / copySeconds, true));
    }

    private static double copy(DataSource dataSource, long useCaseId, int rows, List<String> labels)
            throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            long started = System.nanoTime();
            long[] ids = InteractionIds.next(connection, rows);
            StringBuilder interactions = new StringBuilder(rows * 120);
            StringBuilder feedback = new StringBuilder(rows * 40);
            for (int i = 0; i < rows; i++) {
                String input = "Ticket " + i + ": my order " + (i * 7919 % 100_003) + " has a problem, please help";
                boolean bad = i % 4 == 0;
                interactions.append(ids[i]).append('\t').append(useCaseId).append("\te-").append(i).append('\t')
                        .append(input).append('\t').append(labels.get(i % labels.size())).append('\n');
                feedback.append(ids[i]).append('\t').append(bad ? -1 : 1).append('\t')
                        .append(bad ? labels.get((i + 1) % labels.size()) : "\\N").append("\tbench\n");
            }
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("copy interaction (id, use_case_id, external_id, input, output) from stdin",
                    new StringReader(interactions.toString()));
            copy.copyIn("copy feedback (interaction_id, rating, corrected_output, created_by) from stdin",
                    new StringReader(feedback.toString()));
            connection.commit();
            return (System.nanoTime() - started) / 1e9;
        }
    }
}
