package org.hybridllm.lifecycle.bench;

import java.util.List;
import java.util.Map;

/** One benchmark: a figure of ours and its physical baseline, measured side by side in the same run. */
interface Benchmark {

    String name();

    /** What the target is, in words, for the table. */
    String target();

    /** One repetition. */
    List<Measurement> run(BenchContext context) throws Exception;

    /** Whether the medians over the repetitions meet the target (by metric). */
    boolean met(Map<String, Summary> byMetric);
}
