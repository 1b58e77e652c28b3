package org.hybridllm.lifecycle.statistics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;

/**
 * Seeded paired bootstrap of the mean difference candidate − champion over the same examples, with a percentile
 * confidence interval. With cluster keys (same conversation, same data subject) whole clusters are drawn with
 * replacement, so examples that move together are not counted as independent evidence; the statistic is then the
 * mean over all examples of the drawn clusters.
 */
public final class PairedBootstrap {

    /** The gate's floor: fewer resamples make the interval's ends wobble from seed to seed. */
    public static final int MINIMUM_RESAMPLES = 10_000;

    private PairedBootstrap() {
    }

    /**
     * @param clusterKeys one key per example, or {@code null} to resample examples; a null key stands alone
     * @param resamples   at least {@link #MINIMUM_RESAMPLES}
     * @param level       the confidence level, e.g. 0.95
     */
    public static DifferenceInterval differenceCi(double[] candidate, double[] champion, String[] clusterKeys,
            int resamples, long seed, double level) {
        if (resamples < MINIMUM_RESAMPLES) {
            throw new IllegalArgumentException(
                    "the gate's bootstrap needs at least " + MINIMUM_RESAMPLES + " resamples, got " + resamples);
        }
        return differenceCiWithAnyResamples(candidate, champion, clusterKeys, resamples, seed, level);
    }

    /**
     * The confidence interval of one evaluation's mean score: the same bootstrap, of the difference against zero.
     */
    public static DifferenceInterval meanCi(double[] values, String[] clusterKeys, int resamples, long seed,
            double level) {
        return differenceCi(values, new double[values.length], clusterKeys, resamples, seed, level);
    }

    /**
     * The same bootstrap without the resample floor, for simulation studies that run it thousands of times (the
     * coverage test); not for verdicts.
     */
    static DifferenceInterval differenceCiWithAnyResamples(double[] candidate, double[] champion,
            String[] clusterKeys, int resamples, long seed, double level) {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(champion, "champion");
        if (candidate.length != champion.length) {
            throw new IllegalArgumentException("paired scores need one champion score per candidate score, got "
                    + candidate.length + " and " + champion.length);
        }
        if (candidate.length == 0) {
            throw new IllegalArgumentException("no paired examples");
        }
        if (clusterKeys != null && clusterKeys.length != candidate.length) {
            throw new IllegalArgumentException("one cluster key per example, got " + clusterKeys.length
                    + " keys for " + candidate.length + " examples");
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be positive");
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must lie strictly between 0 and 1, got " + level);
        }

        // per resampling unit: the sum of its differences and its number of examples
        double[][] units = clusterKeys == null ? perExample(candidate, champion)
                : perCluster(candidate, champion, clusterKeys);
        double[] differenceSums = units[0];
        double[] exampleCounts = units[1];
        int unitCount = differenceSums.length;

        double totalDifference = 0;
        for (double sum : differenceSums) {
            totalDifference += sum;
        }
        double observed = totalDifference / candidate.length;

        SplittableRandom random = new SplittableRandom(seed);
        double[] resampledMeans = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            double count = 0;
            for (int i = 0; i < unitCount; i++) {
                int drawn = random.nextInt(unitCount);
                sum += differenceSums[drawn];
                count += exampleCounts[drawn];
            }
            resampledMeans[r] = sum / count;
        }
        Arrays.sort(resampledMeans);
        double tail = (1 - level) / 2;
        // R-7 (R's and NumPy's default quantile), so the ends match what a reviewer recomputes there
        Percentile percentile = new Percentile().withEstimationType(EstimationType.R_7);
        percentile.setData(resampledMeans);
        double low = percentile.evaluate(tail * 100);
        double high = percentile.evaluate((1 - tail) * 100);
        return new DifferenceInterval(observed, low, high, level, resamples, unitCount, clusterKeys != null);
    }

    /** The {@code quantile} (e.g. 0.95) of the values by R-7, R's and NumPy's default. */
    public static double quantile(double quantile, double[] values) {
        return new Percentile().withEstimationType(EstimationType.R_7).evaluate(values, quantile * 100);
    }

    /**
     * The percentile bootstrap interval of the difference of a quantile (e.g. 0.95 for latency p95) between the
     * candidate's and the champion's values on the same examples: pairs are drawn with replacement, the quantile
     * of each side computed on the drawn pairs. At least {@link #MINIMUM_RESAMPLES} resamples.
     */
    public static DifferenceInterval quantileDifferenceCi(double[] candidate, double[] champion, double quantile,
            int resamples, long seed, double level) {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(champion, "champion");
        if (candidate.length != champion.length || candidate.length == 0) {
            throw new IllegalArgumentException("paired values need the same, positive number of examples, got "
                    + candidate.length + " and " + champion.length);
        }
        if (resamples < MINIMUM_RESAMPLES) {
            throw new IllegalArgumentException(
                    "the gate's bootstrap needs at least " + MINIMUM_RESAMPLES + " resamples, got " + resamples);
        }
        if (!(quantile > 0 && quantile < 1) || !(level > 0 && level < 1)) {
            throw new IllegalArgumentException("quantile and level must lie strictly between 0 and 1");
        }
        Percentile percentile = new Percentile().withEstimationType(EstimationType.R_7);
        double observed = percentile.evaluate(candidate, quantile * 100) - percentile.evaluate(champion, quantile * 100);
        int n = candidate.length;
        SplittableRandom random = new SplittableRandom(seed);
        double[] drawnCandidate = new double[n];
        double[] drawnChampion = new double[n];
        double[] differences = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n; i++) {
                int drawn = random.nextInt(n);
                drawnCandidate[i] = candidate[drawn];
                drawnChampion[i] = champion[drawn];
            }
            differences[r] = percentile.evaluate(drawnCandidate, quantile * 100)
                    - percentile.evaluate(drawnChampion, quantile * 100);
        }
        percentile.setData(differences);
        double tail = (1 - level) / 2;
        return new DifferenceInterval(observed, percentile.evaluate(tail * 100), percentile.evaluate((1 - tail) * 100),
                level, resamples, n, false);
    }

    private static double[][] perExample(double[] candidate, double[] champion) {
        double[] sums = new double[candidate.length];
        double[] counts = new double[candidate.length];
        for (int i = 0; i < candidate.length; i++) {
            sums[i] = candidate[i] - champion[i];
            counts[i] = 1;
        }
        return new double[][] {sums, counts};
    }

    private static double[][] perCluster(double[] candidate, double[] champion, String[] clusterKeys) {
        Map<String, double[]> byKey = new LinkedHashMap<>();
        List<double[]> unkeyed = new ArrayList<>();
        for (int i = 0; i < candidate.length; i++) {
            double difference = candidate[i] - champion[i];
            double[] unit = clusterKeys[i] == null ? null : byKey.computeIfAbsent(clusterKeys[i], k -> new double[2]);
            if (unit == null) {
                unit = new double[2];
                unkeyed.add(unit);
            }
            unit[0] += difference;
            unit[1] += 1;
        }
        List<double[]> all = new ArrayList<>(byKey.values());
        all.addAll(unkeyed);
        double[] sums = new double[all.size()];
        double[] counts = new double[all.size()];
        for (int i = 0; i < all.size(); i++) {
            sums[i] = all.get(i)[0];
            counts[i] = all.get(i)[1];
        }
        return new double[][] {sums, counts};
    }
}
