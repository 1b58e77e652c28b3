package org.hybridllm.lifecycle.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Keeps bench/ from rotting: every benchmark runs once with tiny sizes (seconds). No thresholds: the figures of a
 * smoke run mean nothing; bench/run measures for real.
 */
class BenchSmokeIT {

    @Test
    void everyBenchmarkRunsAndReportsItsFigures() throws Exception {
        String table = BenchmarkSuite.run(true, 1, null);
        for (Benchmark benchmark : BenchmarkSuite.all()) {
            assertThat(table).contains("| " + benchmark.name() + " |");
        }
        assertThat(table).doesNotContain("NaN");
    }
}
