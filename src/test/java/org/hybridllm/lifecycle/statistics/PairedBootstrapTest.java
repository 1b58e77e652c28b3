package org.hybridllm.lifecycle.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

    // paired pass/fail cells: both, candidate only, champion only, neither → true difference 0.12 − 0.06
    private static final double[] CELL_PROBABILITIES = {0.64, 0.12, 0.06, 0.18};
    private static final double TRUE_DIFFERENCE = 0.06;

    @Test
    void theMeanOfOneEvaluationGetsItsIntervalFromTheSameBootstrap() {
        double[] passed = new double[100];
        for (int i = 0; i < 70; i++) {
            passed[i] = 1;
        }
        DifferenceInterval mean = PairedBootstrap.meanCi(passed, null, 10_000, 7, 0.95);
        assertThat(mean.difference()).isCloseTo(0.70, within(1e-12));
        // a binomial share of 0.7 over 100: standard error 0.0458, so the 95 % interval is about ±0.09
        assertThat(mean.low()).isBetween(0.60, 0.63);
        assertThat(mean.high()).isBetween(0.77, 0.80);
        assertThat(PairedBootstrap.meanCi(new double[] {1, 1, 1}, null, 10_000, 7, 0.95))
                .satisfies(all -> assertThat(all.low()).isEqualTo(1.0))
                .satisfies(all -> assertThat(all.high()).isEqualTo(1.0));
    }

    @Test
    void ninetyFivePercentIntervalCoversTheTrueDifferenceAboutNinetyFivePercentOfTheTime() {
        int simulations = 1_000;
        int examples = 300;
        Random data = new Random(17);
        int covered = 0;
        for (int s = 0; s < simulations; s++) {
            double[] candidate = new double[examples];
            double[] champion = new double[examples];
            samplePairedOutcomes(data, candidate, champion);
            // 1,000 resamples keep the simulation fast; the gate itself uses ≥ 10,000
            DifferenceInterval interval = PairedBootstrap.differenceCiWithAnyResamples(candidate, champion, null,
                    1_000, s, 0.95);
            if (interval.low() <= TRUE_DIFFERENCE && TRUE_DIFFERENCE <= interval.high()) {
                covered++;
            }
        }
        double coverage = (double) covered / simulations;
        System.out.printf("bootstrap coverage over %d simulations: %.3f%n", simulations, coverage);

        assertThat(coverage).isBetween(0.93, 0.97);
    }

    @Test
    void clusterBootstrapIsWiderWhenExamplesOfAClusterMoveTogether() {
        Random data = new Random(3);
        int clusters = 40;
        int perCluster = 10;
        double[] candidate = new double[clusters * perCluster];
        double[] champion = new double[clusters * perCluster];
        String[] keys = new String[clusters * perCluster];
        for (int c = 0; c < clusters; c++) {
            // a conversation the candidate handles well (or badly) throughout
            double clusterEffect = data.nextGaussian();
            for (int i = 0; i < perCluster; i++) {
                int row = c * perCluster + i;
                champion[row] = data.nextGaussian();
                candidate[row] = champion[row] + 0.1 + clusterEffect + 0.3 * data.nextGaussian();
                keys[row] = "conversation-" + c;
            }
        }

        DifferenceInterval naive = PairedBootstrap.differenceCi(candidate, champion, null, 10_000, 42, 0.95);
        DifferenceInterval clustered = PairedBootstrap.differenceCi(candidate, champion, keys, 10_000, 42, 0.95);
        System.out.printf("naive width %.4f, cluster width %.4f%n", naive.width(), clustered.width());

        assertThat(clustered.difference()).isCloseTo(naive.difference(), within(1e-12));
        assertThat(clustered.resampledUnits()).isEqualTo(clusters);
        assertThat(naive.resampledUnits()).isEqualTo(clusters * perCluster);
        // the design effect 1 + (m − 1)·ρ with ρ ≈ 1/1.09 and m = 10 makes the interval about 3 times wider
        assertThat(clustered.width()).isGreaterThan(2 * naive.width());
    }

    @Test
    void singletonClustersResampleExactlyLikeExamples() {
        double[] candidate = {1, 0, 1, 1, 0.5, 0.25};
        double[] champion = {0, 0, 1, 0, 0.5, 1};
        String[] distinct = {"a", "b", "c", "d", null, null};

        DifferenceInterval naive = PairedBootstrap.differenceCi(candidate, champion, null, 10_000, 7, 0.95);
        DifferenceInterval clustered = PairedBootstrap.differenceCi(candidate, champion, distinct, 10_000, 7, 0.95);

        assertThat(clustered.low()).isEqualTo(naive.low());
        assertThat(clustered.high()).isEqualTo(naive.high());
        // differences 1, 0, 0, 1, 0, −0.75
        assertThat(naive.difference()).isCloseTo(1.25 / 6, within(1e-12));
    }

    @Test
    void theSameSeedGivesTheSameInterval() {
        double[] candidate = {1, 1, 0, 1, 1, 0, 1, 1};
        double[] champion = {1, 0, 0, 0, 1, 0, 1, 0};

        assertThat(PairedBootstrap.differenceCi(candidate, champion, null, 10_000, 5, 0.95))
                .isEqualTo(PairedBootstrap.differenceCi(candidate, champion, null, 10_000, 5, 0.95));
    }

    @Test
    void aQuantileDifferenceIsTheDifferenceOfTheTwoR7QuantilesWithAnIntervalAroundIt() {
        double[] champion = new double[100];
        double[] candidate = new double[100];
        for (int i = 0; i < 100; i++) {
            champion[i] = i + 1;          // 1..100: p95 by R-7 = 1 + 0.95·99 = 95.05
            candidate[i] = 2 * (i + 1);   // 2..200: p95 = 190.1
        }
        DifferenceInterval p95 = PairedBootstrap.quantileDifferenceCi(candidate, champion, 0.95, 10_000, 7, 0.95);

        assertThat(p95.difference()).isCloseTo(95.05, within(1e-9));
        assertThat(p95.low()).isLessThan(95.05).isGreaterThan(80);
        assertThat(p95.high()).isGreaterThan(95.05).isLessThanOrEqualTo(100);
        assertThat(PairedBootstrap.quantileDifferenceCi(candidate, champion, 0.95, 10_000, 7, 0.95)).isEqualTo(p95);
        assertThatThrownBy(() -> PairedBootstrap.quantileDifferenceCi(candidate, champion, 0.95, 100, 7, 0.95))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesFewerThanTenThousandResamplesAndUnpairedInput() {
        double[] scores = {1, 0, 1};

        assertThatThrownBy(() -> PairedBootstrap.differenceCi(scores, scores, null, 9_999, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10000");
        assertThatThrownBy(() -> PairedBootstrap.differenceCi(scores, new double[2], null, 10_000, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PairedBootstrap.differenceCi(scores, scores, new String[2], 10_000, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PairedBootstrap.differenceCi(scores, scores, null, 10_000, 1, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void samplePairedOutcomes(Random random, double[] candidate, double[] champion) {
        for (int i = 0; i < candidate.length; i++) {
            double u = random.nextDouble();
            if (u < CELL_PROBABILITIES[0]) {
                candidate[i] = 1;
                champion[i] = 1;
            } else if (u < CELL_PROBABILITIES[0] + CELL_PROBABILITIES[1]) {
                candidate[i] = 1;
            } else if (u < CELL_PROBABILITIES[0] + CELL_PROBABILITIES[1] + CELL_PROBABILITIES[2]) {
                champion[i] = 1;
            }
        }
    }
}
