package org.hybridllm.lifecycle.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProportionTest {

    /**
     * Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven methods",
     * Statistics in Medicine 17:857–872, Table I, method 3 (Wilson score interval without continuity correction),
     * to the four decimals printed there.
     */
    @Test
    void matchesNewcombesPublishedWilsonIntervals() {
        assertInterval(Proportion.wilson95(81, 263), 0.2553, 0.3662);
        assertInterval(Proportion.wilson95(15, 148), 0.0624, 0.1605);
        assertInterval(Proportion.wilson95(0, 20), 0.0000, 0.1611);
        assertInterval(Proportion.wilson95(1, 29), 0.0061, 0.1718);
    }

    @Test
    void matchesTheScoreFormulaAndStaysInsideZeroToOne() {
        // Wilson (1927): (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964 for 95 %
        double z = 1.959963984540054;
        int n = 10;
        double p = 1.0;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z * z / n);
        Proportion all = Proportion.wilson95(10, 10);
        assertThat(all.low()).isCloseTo(centre - half, within(1e-9));
        assertThat(all.high()).isEqualTo(1.0);
        assertThat(all.value()).isEqualTo(1.0);
    }

    @Test
    void aProportionOfNothingIsUnknownAndImpossibleCountsAreRefused() {
        assertThat(Proportion.wilson95(0, 0)).isNull();
        assertThatThrownBy(() -> Proportion.wilson95(3, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertInterval(Proportion proportion, double low, double high) {
        assertThat(proportion.low()).isCloseTo(low, within(0.00005));
        assertThat(proportion.high()).isCloseTo(high, within(0.00005));
    }
}
