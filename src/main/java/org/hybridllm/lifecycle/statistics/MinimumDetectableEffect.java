package org.hybridllm.lifecycle.statistics;

import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.distribution.NormalDistribution;

import org.hybridllm.lifecycle.statistics.DetectableEffect.Design;

/**
 * Minimum detectable effect and sample size by the normal approximation, as standard power tables give them.
 * <ul>
 * <li>Paired proportions (McNemar), Connor (1987, Biometrics 43:207–211): n = [z<sub>1−α/2</sub>·√ψ +
 * z<sub>power</sub>·√(ψ − δ²)]² / δ², with ψ the discordant rate and δ the difference in pass rates.</li>
 * <li>Two independent proportions, Cohen (1988, ch. 6) arcsine effect h = 2·asin√p₂ − 2·asin√p₁: n per group =
 * 2·[(z<sub>1−α/2</sub> + z<sub>power</sub>) / h]², the same as statsmodels' {@code NormalIndPower}.</li>
 * <li>Paired means (a score that is not pass/fail, e.g. a rubric's share of criteria met), the normal
 * approximation of the paired t-test: n = [(z<sub>1−α/2</sub> + z<sub>power</sub>)·σ<sub>d</sub> / δ]², with
 * σ<sub>d</sub> the standard deviation of the paired differences (Chow, Shao &amp; Wang 2008, §3.1).</li>
 * </ul>
 */
public final class MinimumDetectableEffect {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1,
            NormalDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);

    private MinimumDetectableEffect() {
    }

    /**
     * The paired design's MDE at {@code n} examples, for a planning discordant rate ψ in (0, 1]
     * (observed on the test set, or a planning value where the two models never disagreed).
     */
    public static DetectableEffect pairedProportions(int n, double discordantRate, double alpha, double power) {
        requirePositive(n);
        requireRate(discordantRate, "discordantRate");
        double zAlpha = zAlpha(alpha);
        double zPower = zPower(power);
        double sqrtN = Math.sqrt(n);
        // δ·√n − z_α·√ψ − z_β·√(ψ − δ²) rises with δ; a difference can never exceed the discordant rate
        double atLargest = discordantRate * sqrtN - zAlpha * Math.sqrt(discordantRate)
                - zPower * Math.sqrt(discordantRate - discordantRate * discordantRate);
        if (atLargest < 0) {
            return new DetectableEffect(Design.PAIRED_PROPORTIONS, n, discordantRate, alpha, power, null);
        }
        double effect = new BrentSolver(1e-12).solve(200, delta -> delta * sqrtN
                - zAlpha * Math.sqrt(discordantRate)
                - zPower * Math.sqrt(Math.max(0, discordantRate - delta * delta)), 0, discordantRate);
        return new DetectableEffect(Design.PAIRED_PROPORTIONS, n, discordantRate, alpha, power, effect);
    }

    /** The paired-means design's MDE at {@code n} examples whose paired differences have standard deviation σ_d. */
    public static DetectableEffect pairedMeans(int n, double differenceSd, double alpha, double power) {
        requirePositive(n);
        requireSd(differenceSd);
        double effect = (zAlpha(alpha) + zPower(power)) * differenceSd / Math.sqrt(n);
        return new DetectableEffect(Design.PAIRED_MEANS, n, differenceSd, alpha, power, effect);
    }

    /** Paired examples a mean difference {@code effect} > 0 needs when the differences have standard deviation σ_d. */
    public static int pairedMeansExamplesNeeded(double effect, double differenceSd, double alpha, double power) {
        requireSd(differenceSd);
        if (!(effect > 0)) {
            throw new IllegalArgumentException("a mean difference to detect must be positive, got " + effect);
        }
        return (int) Math.ceil(square((zAlpha(alpha) + zPower(power)) * differenceSd / effect));
    }

    /** Paired examples a difference {@code effect} (0 < effect ≤ ψ) needs. */
    public static int pairedExamplesNeeded(double effect, double discordantRate, double alpha, double power) {
        requireRate(discordantRate, "discordantRate");
        if (!(effect > 0 && effect <= discordantRate)) {
            throw new IllegalArgumentException("a paired difference must lie in (0, discordantRate = "
                    + discordantRate + "], got " + effect);
        }
        double root = zAlpha(alpha) * Math.sqrt(discordantRate)
                + zPower(power) * Math.sqrt(discordantRate - effect * effect);
        return (int) Math.ceil(root * root / (effect * effect));
    }

    /** The MDE above a champion pass rate {@code p} with {@code n} examples in each of two independent groups. */
    public static DetectableEffect twoProportions(int n, double p, double alpha, double power) {
        requirePositive(n);
        requirePassRate(p);
        double h = (zAlpha(alpha) + zPower(power)) * Math.sqrt(2.0 / n);
        double angle = Math.asin(Math.sqrt(p)) + h / 2;
        Double effect = angle > Math.PI / 2 ? null : square(Math.sin(angle)) - p;
        return new DetectableEffect(Design.TWO_PROPORTIONS, n, p, alpha, power, effect);
    }

    /** Examples per group that an improvement {@code effect} over pass rate {@code p} needs (p + effect ≤ 1). */
    public static int twoProportionsExamplesNeeded(double effect, double p, double alpha, double power) {
        requirePassRate(p);
        if (!(effect > 0 && p + effect <= 1)) {
            throw new IllegalArgumentException("an improvement over " + p + " must lie in (0, " + (1 - p)
                    + "], got " + effect);
        }
        double h = 2 * Math.asin(Math.sqrt(p + effect)) - 2 * Math.asin(Math.sqrt(p));
        return (int) Math.ceil(examplesPerGroupForArcsineEffect(h, alpha, power));
    }

    /** Unrounded n per group for Cohen's h: the quantity Cohen's Table 6.4.1 tabulates. */
    static double examplesPerGroupForArcsineEffect(double h, double alpha, double power) {
        return 2 * square((zAlpha(alpha) + zPower(power)) / h);
    }

    private static double zAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must lie in (0, 1), got " + alpha);
        }
        return STANDARD_NORMAL.inverseCumulativeProbability(1 - alpha / 2);
    }

    private static double zPower(double power) {
        if (!(power > 0 && power < 1)) {
            throw new IllegalArgumentException("power must lie in (0, 1), got " + power);
        }
        return STANDARD_NORMAL.inverseCumulativeProbability(power);
    }

    private static void requirePositive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be positive, got " + n);
        }
    }

    private static void requireRate(double rate, String name) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must lie in (0, 1], got " + rate);
        }
    }

    private static void requireSd(double sd) {
        if (!(sd > 0) || Double.isInfinite(sd)) {
            throw new IllegalArgumentException("the standard deviation of the differences must be positive, got " + sd);
        }
    }

    private static void requirePassRate(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must lie in [0, 1], got " + p);
        }
    }

    private static double square(double x) {
        return x * x;
    }
}
