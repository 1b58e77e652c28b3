package org.hybridllm.lifecycle.bench;

import java.util.List;

/** One benchmark: a figure of ours and its physical baseline, measured side by side in the same run. */
interface Benchmark {

    String name();

    /** What the target is, in words, for the table. */
    String target();

    /** One repetition. */
    List<Measurement> run(BenchContext context) throws Exception;

    /** Whether the medians over the repetitions meet the target (by metric). */
    boolean met(java.util.Map<String, Summary> byMetric);
}
