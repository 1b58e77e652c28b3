package org.hybridllm.lifecycle.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.provider.openai.FakeOpenAiServer;

/**
 * Runs every benchmark {@code repeats} times against one app and prints one table: each figure next to its
 * baseline measured in the same run, as min / median / max over the repetitions, with the target and whether the
 * median meets it. {@code bench/run} runs it in full; the test suite runs it as a smoke test ({@code --smoke}:
 * seconds, small sizes, no thresholds).
 *
 * <p>Arguments: {@code --smoke}, {@code --repeats N} (default 3), {@code --only <name part>},
 * {@code --out <file>} (the table as Markdown).
 */
public final class BenchmarkSuite {

    static List<Benchmark> all() {
        // the webhook benchmark first: it runs an app of its own (workers off) on the same database, before the
        // shared app starts (one embedded engine per JVM), and its app marks the open runs it finds INTERRUPTED
        return List.of(new WebhookBenchmark(), new FeedbackIngestionBenchmark(), new DatasetBuildBenchmark(),
                new StageWorkersBenchmark(),
                new EmbeddingsBenchmark(), new GatewayLatencyBenchmark(), new ScorerOverheadBenchmark(),
                new DriftCheckBenchmark());
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        int repeats = 3;
        String only = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String table = run(smoke, repeats, only);
        System.out.println(table);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, table);
        }
        System.exit(0); // the app's non-daemon threads are gone with the context; the engine's may linger
    }

    /** Runs the benchmarks and returns the Markdown table. */
    public static String run(boolean smoke, int repeats, String only) throws Exception {
        Instant started = Instant.now();
        List<Benchmark> benchmarks = all().stream()
                .filter(b -> only == null || b.name().contains(only)).toList();
        Map<Benchmark, List<Measurement>> results = new LinkedHashMap<>();
        Map<Benchmark, String> failures = new LinkedHashMap<>();
        try (FakeOpenAiServer upstream = new FakeOpenAiServer(BenchContext.UPSTREAM_KEY);
             BenchContext context = new BenchContext(upstream, smoke)) {
            for (Benchmark benchmark : benchmarks) {
                List<Measurement> measurements = new ArrayList<>();
                results.put(benchmark, measurements);
                try {
                    for (int r = 0; r < repeats; r++) {
                        System.err.printf("%s: repetition %d of %d%n", benchmark.name(), r + 1, repeats);
                        try {
                            measurements.addAll(benchmark.run(context));
                        } catch (Exception | Error e) {
                            if (smoke) {
                                throw e; // the smoke test is there to catch exactly this
                            }
                            // the table says so, and the other benchmarks still run (e.g. the embedded engine
                            // failed under one benchmark's load: BENCHMARKS.md)
                            e.printStackTrace();
                            failures.put(benchmark, "repetition " + (r + 1) + " failed: " + e);
                            break;
                        }
                    }
                } finally {
                    if (benchmark instanceof AutoCloseable closeable) {
                        closeable.close();
                    }
                }
            }
        }
        return table(results, failures, smoke, repeats, Duration.between(started, Instant.now()));
    }

    static String table(Map<Benchmark, List<Measurement>> results, Map<Benchmark, String> failures, boolean smoke,
                        int repeats, Duration took) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append(String.format("Benchmarks%s: %d repetition(s), min / median / max, %s; %s%n%n",
                smoke ? " (SMOKE: tiny sizes, figures meaningless)" : "", repeats, machine(),
                "took " + took.toSeconds() + " s"));
        table.append("| benchmark | metric | ours | baseline | ratio ours/baseline | ours − baseline | target | met |\n");
        table.append("|---|---|---|---|---|---|---|---|\n");
        results.forEach((benchmark, measurements) -> {
            Map<String, List<Measurement>> byMetric = new LinkedHashMap<>();
            measurements.forEach(m -> byMetric.computeIfAbsent(m.metric(), k -> new ArrayList<>()).add(m));
            Map<String, Summary> summaries = new LinkedHashMap<>();
            byMetric.forEach((metric, list) -> summaries.put(metric, Summary.of(list)));
            String failure = failures.get(benchmark);
            boolean met = failure == null && benchmark.met(summaries);
            boolean first = true;
            for (Summary s : summaries.values()) {
                table.append(String.format("| %s | %s (%s) | %s | %s | %s | %s | %s | %s |%n",
                        first ? benchmark.name() : "", s.metric(), s.unit(), Summary.range(s.values(), "%.2f"),
                        Summary.range(s.baselines(), "%.2f"), Summary.range(s.ratios(), "%.2f"),
                        Summary.range(s.differences(), "%+.2f"), first ? benchmark.target() : "",
                        first ? (smoke ? "(smoke)" : met ? "yes" : "**no**") : ""));
                first = false;
            }
            if (failure != null) {
                table.append(String.format("| %s | **failed** | %s | | | | %s | **no** |%n", first ? benchmark.name() : "",
                        failure.replace('|', '/').replace('\n', ' '), first ? benchmark.target() : ""));
            }
        });
        return table.toString();
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs, Java " + Runtime.version()
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }

    private BenchmarkSuite() {
    }
}
