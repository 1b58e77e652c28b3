package org.hybridllm.lifecycle.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftStatisticsTest {

    @Test
    void psiOfTwoBinsMatchesItsDefinition() {
        // (0.7 − 0.5)·ln(0.7/0.5) + (0.3 − 0.5)·ln(0.3/0.5) = 0.0673 + 0.1022
        assertThat(DriftStatistics.psi(new double[] {50, 50}, new double[] {70, 30})).isCloseTo(0.169459, within(1e-6));
        assertThat(DriftStatistics.psi(new double[] {10, 20, 30}, new double[] {1, 2, 3})).isCloseTo(0, within(1e-12));
    }

    @Test
    void psiOfTenDecilesWithTheTailsMovedIsTheSumOfItsTerms() {
        // ten equal bins, 5 % moved from each low bin to each high one: 0.1·ln 2 + 0.1·ln 1.5 = 0.0693 + 0.0405
        double[] expected = {0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10};
        double[] actual = {0.05, 0.05, 0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.15, 0.15};
        double terms = 2 * (0.05 - 0.10) * Math.log(0.05 / 0.10) + 2 * (0.15 - 0.10) * Math.log(0.15 / 0.10);
        assertThat(DriftStatistics.psi(expected, actual)).isCloseTo(terms, within(1e-12)).isCloseTo(0.1099,
                within(1e-4));
    }

    @Test
    void chiSquareOfTheLoadedDieIsTheTextbookValue() {
        // 60 rolls of a die, 10 expected per face: χ² = (25 + 4 + 1 + 4 + 0 + 100) / 10 = 13.4, df 5, p = 0.0199
        DriftStatistics.ChiSquare chi = DriftStatistics.chiSquare(new double[] {1, 1, 1, 1, 1, 1},
                new long[] {5, 8, 9, 8, 10, 20});
        assertThat(chi.statistic()).isCloseTo(13.4, within(1e-9));
        assertThat(chi.degreesOfFreedom()).isEqualTo(5);
        assertThat(chi.pValue()).isCloseTo(0.01990, within(5e-5));
    }

    @Test
    void unbiasedMmdOfFourPointsIsTheHandComputedValue() {
        // x = {0, 1}, y = {2, 3}, k = exp(−d²/2): 2·e^−0.5 − 2·(e^−2 + e^−4.5 + e^−0.5 + e^−2)/4
        List<float[]> x = List.of(new float[] {0}, new float[] {1});
        List<float[]> y = List.of(new float[] {2}, new float[] {3});
        double expected = 2 * Math.exp(-0.5)
                - 2 * (Math.exp(-2) + Math.exp(-4.5) + Math.exp(-0.5) + Math.exp(-2)) / 4;
        assertThat(expected).isCloseTo(0.768906, within(1e-6));
        assertThat(DriftStatistics.mmd2(x, y, 1.0)).isCloseTo(expected, within(1e-12));
        assertThat(DriftStatistics.mmd2(x, x, 1.0)).as("a sample against itself").isNegative();
    }

    @Test
    void thePermutationTestFindsAShiftAndNotNoise() {
        List<float[]> a = gaussian(60, 8, 0, 1);
        List<float[]> b = gaussian(60, 8, 0, 2);
        List<float[]> shifted = gaussian(60, 8, 0.8, 3);
        DriftStatistics.Mmd same = DriftStatistics.mmd(a, b, 200, 19);
        DriftStatistics.Mmd moved = DriftStatistics.mmd(a, shifted, 200, 19);
        assertThat(same.pValue()).isGreaterThan(0.05);
        assertThat(moved.pValue()).isEqualTo(1.0 / 201); // none of the relabellings is as extreme
        assertThat(moved.mmd2()).isGreaterThan(same.mmd2());
        // seeded: the same answer every time
        assertThat(DriftStatistics.mmd(a, b, 200, 19)).isEqualTo(same);
    }

    @Test
    void centroidDistanceIsOneMinusTheCosineOfTheMeans() {
        List<float[]> x = List.of(new float[] {1, 0}, new float[] {1, 0});
        List<float[]> y = List.of(new float[] {0, 1}, new float[] {0, 1});
        List<float[]> diagonal = List.of(new float[] {1, 0}, new float[] {0, 1});
        assertThat(DriftStatistics.centroidCosineDistance(x, y)).isCloseTo(1, within(1e-12));
        assertThat(DriftStatistics.centroidCosineDistance(x, x)).isCloseTo(0, within(1e-12));
        assertThat(DriftStatistics.centroidCosineDistance(x, diagonal)).isCloseTo(1 - Math.sqrt(0.5), within(1e-9));
    }

    @Test
    void percentileIsNearestRank() {
        double[] values = {15, 20, 35, 40, 50};
        assertThat(DriftStatistics.percentile(values, 0.30)).isEqualTo(20); // rank ceil(1.5) = 2
        assertThat(DriftStatistics.percentile(values, 0.95)).isEqualTo(50);
        assertThat(DriftStatistics.percentile(new double[0], 0.95)).isNaN();
    }

    @Test
    void lengthBinsFollowTheReferenceDeciles() {
        List<Integer> lengths = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            lengths.add(i);
        }
        double[] edges = DriftChecker.decileEdges(lengths);
        assertThat(edges).containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90);
        assertThat(DriftChecker.histogram(lengths, edges)).containsOnly(10);
    }

    private static List<float[]> gaussian(int n, int dimensions, double mean, long seed) {
        Random random = new Random(seed);
        List<float[]> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] p = new float[dimensions];
            for (int d = 0; d < dimensions; d++) {
                p[d] = (float) (mean + random.nextGaussian());
            }
            points.add(p);
        }
        return points;
    }
}
