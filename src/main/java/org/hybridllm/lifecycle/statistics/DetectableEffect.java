package org.hybridllm.lifecycle.statistics;

/**
 * The smallest true improvement a test set of {@code examples} would detect with the given power at level
 * {@code alpha} (two-sided), and how many examples a wanted improvement needs.
 *
 * @param rate   the planning rate the calculation rests on: the discordant rate ψ for paired proportions, the
 *               champion's pass rate for two proportions, the standard deviation of the paired differences for
 *               paired means
 * @param effect the minimum detectable improvement in pass rate (absolute), or {@code null} when no improvement
 *               the rate allows is detectable at this size (paired: none up to ψ; two proportions: none up to 1)
 */
public record DetectableEffect(Design design, int examples, double rate, double alpha, double power, Double effect) {

    public enum Design {
        /** Both models on the same examples, compared by McNemar's test. */
        PAIRED_PROPORTIONS,
        /** Two independent samples of {@code examples} each. */
        TWO_PROPORTIONS,
        /** Both models on the same examples, a score per example (not pass/fail): the paired mean difference. */
        PAIRED_MEANS
    }

    /** Whether the test set is too small to detect {@code minimumGain}: the gate's warning. */
    public boolean exceeds(double minimumGain) {
        return effect == null || effect > minimumGain;
    }

    /** Examples (per group for two proportions) that {@code wantedEffect} needs at this rate, alpha and power. */
    public int examplesNeeded(double wantedEffect) {
        return switch (design) {
            case PAIRED_PROPORTIONS -> MinimumDetectableEffect.pairedExamplesNeeded(wantedEffect, rate, alpha, power);
            case TWO_PROPORTIONS -> MinimumDetectableEffect.twoProportionsExamplesNeeded(wantedEffect, rate, alpha,
                    power);
            case PAIRED_MEANS -> MinimumDetectableEffect.pairedMeansExamplesNeeded(wantedEffect, rate, alpha, power);
        };
    }

    /** For "INCONCLUSIVE: about N more examples": how many beyond the current size, never negative. */
    public int additionalExamplesNeeded(double wantedEffect) {
        return Math.max(0, examplesNeeded(wantedEffect) - examples);
    }
}
