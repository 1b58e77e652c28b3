package org.hybridllm.lifecycle.statistics;

/**
 * A mean paired difference (candidate − champion) with its percentile bootstrap confidence interval.
 *
 * @param resampledUnits what was drawn with replacement: examples, or clusters when cluster keys were given
 */
public record DifferenceInterval(double difference, double low, double high, double level, int resamples,
        int resampledUnits, boolean clustered) {

    public double width() {
        return high - low;
    }

    /** Whether the whole interval lies above {@code threshold}. */
    public boolean whollyAbove(double threshold) {
        return low > threshold;
    }

    /** Whether the whole interval lies below {@code threshold}. */
    public boolean whollyBelow(double threshold) {
        return high < threshold;
    }
}
