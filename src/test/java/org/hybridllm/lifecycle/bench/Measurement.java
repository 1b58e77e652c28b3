package org.hybridllm.lifecycle.bench;

/**
 * One figure of one repetition, next to its baseline measured in the same run.
 *
 * @param higherIsBetter throughput (true) or latency/time (false): says which way the ratio should go
 */
record Measurement(String benchmark, String metric, String unit, double value, double baseline,
                   boolean higherIsBetter) {

    /** value / baseline: for throughput the share of the baseline reached, for time how many times slower. */
    double ratio() {
        return baseline == 0 ? Double.NaN : value / baseline;
    }
}
