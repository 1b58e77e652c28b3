package org.hybridllm.lifecycle.monitor;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/**
 * The drift statistics of a check: population stability index, chi-square goodness of fit, centroid cosine
 * distance and the maximum mean discrepancy with a seeded permutation test. Pure functions over counts and vectors.
 */
final class DriftStatistics {

    /** What an empty bin counts as in PSI and chi-square (Evidently and most PSI write-ups use 1e-4). */
    static final double EMPTY_BIN = 1e-4;

    private DriftStatistics() {
    }

    /**
     * PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over the bins' shares (actual a, expected e), empty bins as {@link #EMPTY_BIN}.
     * Rule of thumb (Siddiqi 2006): below 0.1 no change, 0.1–0.25 some, above 0.25 a significant shift.
     */
    static double psi(double[] expectedCounts, double[] actualCounts) {
        double[] e = shares(expectedCounts);
        double[] a = shares(actualCounts);
        double psi = 0;
        for (int i = 0; i < e.length; i++) {
            double ei = Math.max(e[i], EMPTY_BIN);
            double ai = Math.max(a[i], EMPTY_BIN);
            psi += (ai - ei) * Math.log(ai / ei);
        }
        return psi;
    }

    /** Chi-square goodness of fit of the observed counts to the expected shares: the statistic and its p-value. */
    record ChiSquare(double statistic, int degreesOfFreedom, double pValue) {
    }

    static ChiSquare chiSquare(double[] expectedCounts, long[] observed) {
        double[] e = shares(expectedCounts);
        double[] expected = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            expected[i] = Math.max(e[i], EMPTY_BIN); // commons-math scales them to the observed total
        }
        ChiSquareTest test = new ChiSquareTest();
        return new ChiSquare(test.chiSquare(expected, observed), e.length - 1, test.chiSquareTest(expected, observed));
    }

    /** 1 − cos(mean(x), mean(y)). */
    static double centroidCosineDistance(List<float[]> x, List<float[]> y) {
        double[] cx = centroid(x);
        double[] cy = centroid(y);
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < cx.length; i++) {
            dot += cx[i] * cy[i];
            nx += cx[i] * cx[i];
            ny += cy[i] * cy[i];
        }
        return nx == 0 || ny == 0 ? 0 : 1 - dot / Math.sqrt(nx * ny);
    }

    /** MMD² with its permutation p-value and the kernel's bandwidth. */
    record Mmd(double mmd2, double pValue, int permutations, double bandwidth) {
    }

    /**
     * The unbiased estimate of the squared maximum mean discrepancy (Gretton et al. 2012) with a Gaussian kernel
     * exp(−‖a−b‖² / 2σ²), σ the median distance of the pooled points (the median heuristic), and its p-value
     * from {@code permutations} seeded relabellings of the pooled sample: (1 + #{MMD²ₚ ≥ MMD²}) / (1 + P).
     */
    static Mmd mmd(List<float[]> x, List<float[]> y, int permutations, long seed) {
        int n = x.size();
        int m = y.size();
        if (n < 2 || m < 2) {
            throw new IllegalArgumentException("MMD needs at least 2 points per sample, got " + n + " and " + m);
        }
        int total = n + m;
        float[][] points = new float[total][];
        for (int i = 0; i < n; i++) {
            points[i] = x.get(i);
        }
        for (int j = 0; j < m; j++) {
            points[n + j] = y.get(j);
        }
        double[][] d2 = new double[total][total];
        double[] upper = new double[total * (total - 1) / 2];
        int u = 0;
        for (int i = 0; i < total; i++) {
            for (int j = i + 1; j < total; j++) {
                double d = squaredDistance(points[i], points[j]);
                d2[i][j] = d;
                d2[j][i] = d;
                upper[u++] = d;
            }
        }
        double medianD2 = median(upper);
        double sigma2 = medianD2 > 0 ? medianD2 : 1.0; // σ² = median(d)², i.e. σ = the median distance
        double[][] k = new double[total][total];
        for (int i = 0; i < total; i++) {
            for (int j = 0; j < total; j++) {
                k[i][j] = Math.exp(-d2[i][j] / (2 * sigma2));
            }
        }
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        double observed = unbiasedMmd2(k, order, n);
        SplittableRandom random = new SplittableRandom(seed);
        int atLeast = 0;
        for (int p = 0; p < permutations; p++) {
            for (int i = total - 1; i > 0; i--) { // Fisher–Yates
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            if (unbiasedMmd2(k, order, n) >= observed) {
                atLeast++;
            }
        }
        return new Mmd(observed, (1.0 + atLeast) / (1.0 + permutations), permutations, Math.sqrt(sigma2));
    }

    /** MMD²ᵤ of x against y with a Gaussian kernel of the given bandwidth σ (no permutations). */
    static double mmd2(List<float[]> x, List<float[]> y, double sigma) {
        int total = x.size() + y.size();
        float[][] points = new float[total][];
        for (int i = 0; i < total; i++) {
            points[i] = i < x.size() ? x.get(i) : y.get(i - x.size());
        }
        double[][] k = new double[total][total];
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
            for (int j = 0; j < total; j++) {
                k[i][j] = Math.exp(-squaredDistance(points[i], points[j]) / (2 * sigma * sigma));
            }
        }
        return unbiasedMmd2(k, order, x.size());
    }

    /** MMD²ᵤ of the first {@code n} indices of {@code order} against the rest, from the pooled kernel matrix. */
    static double unbiasedMmd2(double[][] k, int[] order, int n) {
        int m = order.length - n;
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int a = 0; a < order.length; a++) {
            double[] row = k[order[a]];
            boolean aInX = a < n;
            for (int b = a + 1; b < order.length; b++) {
                double v = row[order[b]];
                boolean bInX = b < n;
                if (aInX && bInX) {
                    xx += v;
                } else if (!aInX && !bInX) {
                    yy += v;
                } else {
                    xy += v;
                }
            }
        }
        // the sums hold each unordered pair once: ×2 for the ordered pairs of the estimator
        return 2 * xx / ((double) n * (n - 1)) + 2 * yy / ((double) m * (m - 1)) - 2 * xy / ((double) n * m);
    }

    /** Nearest-rank percentile (q in (0, 1]) of the values; NaN for none. */
    static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double[] shares(double[] counts) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            shares[i] = total == 0 ? 0 : counts[i] / total;
        }
        return shares;
    }

    private static double[] centroid(List<float[]> vectors) {
        double[] c = new double[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < c.length; i++) {
                c[i] += v[i];
            }
        }
        for (int i = 0; i < c.length; i++) {
            c[i] /= vectors.size();
        }
        return c;
    }

    private static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
