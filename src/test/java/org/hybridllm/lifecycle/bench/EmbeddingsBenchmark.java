package org.hybridllm.lifecycle.bench;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link EmbeddingsJmh} with JMH (a forked JVM in the full run) and reports texts/s. */
final class EmbeddingsBenchmark implements Benchmark {

    @Override
    public String name() {
        return "local model embeddings";
    }

    @Override
    public String target() {
        return ">= 80 % of ONNX Runtime direct";
    }

    @Override
    public boolean met(Map<String, Summary> byMetric) {
        return byMetric.get("throughput").medianRatio() >= 0.8;
    }

    @Override
    public List<Measurement> run(BenchContext context) throws Exception {
        Options options = new OptionsBuilder()
                .include(EmbeddingsJmh.class.getName() + "\\.")
                .forks(context.smoke() ? 0 : 1)
                .warmupIterations(context.smoke() ? 1 : 2)
                .warmupTime(TimeValue.seconds(context.smoke() ? 1 : 3))
                .measurementIterations(context.smoke() ? 1 : 3)
                .measurementTime(TimeValue.seconds(context.smoke() ? 1 : 3))
                .threads(1)
                .jvmArgsAppend("-Xmx1g")
                .build();
        Collection<RunResult> results = new Runner(options).run();
        double ours = score(results, "ours");
        double direct = score(results, "onnxRuntimeDirect");
        return List.of(new Measurement(name(), "throughput", "texts/s", ours * EmbeddingsJmh.BATCH,
                direct * EmbeddingsJmh.BATCH, true));
    }

    private static double score(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method)).findFirst()
                .orElseThrow(() -> new IllegalStateException("JMH did not run " + method))
                .getPrimaryResult().getScore();
    }
}
