package org.hybridllm.lifecycle.bench;

import java.io.StringReader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.hybridllm.lifecycle.TestDatabase;
import org.hybridllm.lifecycle.dataset.DatasetBuildProbe;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.postgresql.PGConnection;
import java.util.Comparator;
import java.util.HashMap;

/**
 * The dataset stage on a large feedback log: select the ideal outputs, scrub, de-duplicate, split, write the
 * JSONL splits and register them, in a JVM limited to {@code -Xmx256m} ({@link DatasetBuildProbe}), against
 * {@code COPY (SELECT …) TO STDOUT} of the same rows (the query the build reads them with). 1 M rows in every
 * repetition; 4 M rows once, for the memory limit.
 */
final class DatasetBuildBenchmark implements Benchmark {

    private final Map<Integer, long[]> useCases = new HashMap<>(); // rows → {use case id, up-to id}

    @Override
    public String name() {
        return "dataset build";
    }

    @Override
    public String target() {
        return "<= 1.5x COPY at 1 M rows; -Xmx256m at 1 M and 4 M";
    }

    @Override
    public boolean met(Map<String, Summary> byMetric) {
        Summary large = byMetric.get("4M rows");
        return byMetric.get("1M rows").medianRatio() <= 1.5 && Double.isFinite(byMetric.get("1M rows").medianValue())
                && (large == null || Double.isFinite(large.medianValue()));
    }

    @Override
    public List<Measurement> run(BenchContext context) throws Exception {
        List<Measurement> measurements = new ArrayList<>();
        int million = context.size(1_000_000, 5_000);
        measurements.add(measure(context, "1M rows", million));
        boolean large = !"false".equals(System.getenv("BENCH_DATASET_LARGE")); // false: skip 4 M (profiling)
        if (large && !useCases.containsKey(4 * million)) {
            measurements.add(measure(context, "4M rows", 4 * million)); // once: the memory limit
        }
        return measurements;
    }

    private Measurement measure(BenchContext context, String metric, int rows) throws Exception {
        long[] useCase = useCases.computeIfAbsent(rows, n -> generate(context, n));
        double copySeconds = copyOut(context.app().getBean(DataSource.class), useCase[0], useCase[1]);
        double buildSeconds = probe(context, useCase[0], useCase[1]);
        return new Measurement(name(), metric, "s", buildSeconds, copySeconds, false);
    }

    /** Runs the build in a JVM with -Xmx256m; infinite when it does not finish (e.g. OutOfMemoryError). */
    private static double probe(BenchContext context, long useCaseId, long upTo) throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        Path artifacts = Files.createTempDirectory("bench-dataset");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", System.getenv().getOrDefault("BENCH_PROBE_JAVA_OPTS", "-Dbench=probe"),
                "-cp", System.getProperty("java.class.path"),
                DatasetBuildProbe.class.getName(), db.url(), db.user(), db.password() == null ? "" : db.password(),
                String.valueOf(useCaseId), String.valueOf(upTo), artifacts.toString());
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
                // the error and where it struck: the first lines of its stack trace
                List<String> lines = output.lines().toList();
                int error = 0;
                while (error < lines.size() && !lines.get(error).contains("Error")
                        && !lines.get(error).contains("Exception")) {
                    error++;
                }
                System.err.println("dataset build at -Xmx256m failed:\n" + String.join("\n", error < lines.size()
                        ? lines.subList(error, Math.min(lines.size(), error + 25))
                        : lines.subList(Math.max(0, lines.size() - 25), lines.size())));
                return Double.POSITIVE_INFINITY;
            }
            String millis = output.lines().filter(l -> l.startsWith("millis=")).findFirst().orElseThrow();
            return Long.parseLong(millis.substring("millis=".length())) / 1000.0;
        } finally {
            // every repetition writes its splits (~180 MB at 1 M rows): left behind, they would fill the disk and
            // the page cache's write-back would slow the next repetitions down
            try (var files = Files.walk(artifacts)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static double copyOut(DataSource dataSource, long useCaseId, long upTo) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            long started = System.nanoTime();
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut("""
                    copy (select * from (
                            select distinct on (f.interaction_id)
                                   f.id as feedback_id, i.id as interaction_id, i.input,
                                   coalesce(f.corrected_output, case when f.rating = 1 then i.output end) as ideal_output
                            from feedback f join interaction i on i.id = f.interaction_id
                            where i.use_case_id = %d and f.id <= %d
                            order by f.interaction_id, f.id desc) t
                          where ideal_output is not null order by feedback_id) to stdout""".formatted(useCaseId, upTo),
                    Writer.nullWriter());
            return (System.nanoTime() - started) / 1e9;
        }
    }

    /**
     * A use case with {@code rows} feedback rows giving ideal outputs: ratings and corrections, 2 % repeated
     * inputs, 1 % with an e-mail address to scrub; written with COPY.
     */
    private static long[] generate(BenchContext context, int rows) {
        try {
            String key = "bench-dataset-" + rows;
            context.app().getBean(SampleDataLoader.class).loadInto(key);
            // the labels live in the use case's versioned contract (V15)
            UseCase useCase = context.app().getBean(UseCaseRepository.class).require(key);
            long useCaseId = useCase.id();
            List<String> labels = useCase.labelNames();
            try (Connection connection = context.app().getBean(DataSource.class).getConnection()) {
                connection.setAutoCommit(false);
                var copy = connection.unwrap(PGConnection.class).getCopyAPI();
                int chunk = 100_000;
                for (int from = 0; from < rows; from += chunk) {
                    int n = Math.min(chunk, rows - from);
                    long[] ids = InteractionIds.next(connection, n);
                    StringBuilder interactions = new StringBuilder(n * 120);
                    StringBuilder feedback = new StringBuilder(n * 40);
                    for (int k = 0; k < n; k++) {
                        int i = from + k;
                        int text = i % 50 == 7 ? i - 7 : i; // 2 % repeat an earlier input
                        String input = "Ticket " + text + ": my order " + (text * 7919 % 100_003)
                                + (text % 100 == 3 ? " (reach me at user" + text + "@example.com)" : "")
                                + " has a problem, please help";
                        String output = labels.get(i % labels.size());
                        boolean corrected = i % 4 == 0;
                        interactions.append(ids[k]).append('\t').append(useCaseId).append('\t').append(input)
                                .append('\t').append(output).append('\n');
                        feedback.append(ids[k]).append('\t').append(corrected ? -1 : 1).append('\t')
                                .append(corrected ? labels.get((i + 1) % labels.size()) : "\\N")
                                .append("\tbench\n");
                    }
                    copy.copyIn("copy interaction (id, use_case_id, input, output) from stdin",
                            new StringReader(interactions.toString()));
                    copy.copyIn("copy feedback (interaction_id, rating, corrected_output, created_by) from stdin",
                            new StringReader(feedback.toString()));
                }
                connection.commit();
            }
            context.jdbc().sql("analyze interaction").update();
            context.jdbc().sql("analyze feedback").update();
            long upTo = context.jdbc().sql("select max(id) from feedback").query(Long.class).single();
            return new long[] {useCaseId, upTo};
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate " + rows + " feedback rows", e);
        }
    }
}
