package org.hybridllm.lifecycle.statistics;

import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;

/**
 * A proportion (successes of trials) with its Wilson score confidence interval: unlike the normal (Wald) interval
 * it stays inside [0, 1] and keeps close to its nominal coverage for small counts and proportions near 0 or 1
 * (Brown, Cai and DasGupta 2001, "Interval Estimation for a Binomial Proportion"), which per-label counts of a
 * test split are.
 */
public record Proportion(int successes, int trials, double value, double low, double high, double level) {

    public static final double LEVEL_95 = 0.95;

    /** The 95 % Wilson interval; {@code null} without trials (a proportion of nothing is not zero, it is unknown). */
    public static Proportion wilson95(int successes, int trials) {
        return wilson(successes, trials, LEVEL_95);
    }

    public static Proportion wilson(int successes, int trials, double level) {
        if (successes < 0 || successes > trials) {
            throw new IllegalArgumentException(successes + " successes of " + trials + " trials");
        }
        if (trials == 0) {
            return null;
        }
        ConfidenceInterval interval = new WilsonScoreInterval().createInterval(trials, successes, level);
        // at 0 (n) successes the lower (upper) bound is exactly 0 (1); in floating point it strays by an ulp
        double low = successes == 0 ? 0 : interval.getLowerBound();
        double high = successes == trials ? 1 : interval.getUpperBound();
        return new Proportion(successes, trials, (double) successes / trials, low, high, level);
    }
}
