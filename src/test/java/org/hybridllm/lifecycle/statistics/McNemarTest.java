package org.hybridllm.lifecycle.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;

import org.junit.jupiter.api.Test;

class McNemarTest {

    @Test
    void matchesThePublishedExactPValueOfFagerlandEtAl() {
        // Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91, Table 1 (Bentur et al.: airway
        // hyper-responsiveness before/after stem cell transplantation): discordant cells 1 and 7, exact
        // conditional p = 0.070 (2 · binomcdf(1, 8, ½) = 2 · 9/256 = 0.0703125)
        McNemarResult result = McNemar.exact(1, 7);

        assertThat(result.pValue()).isCloseTo(0.0703125, within(1e-12));
        assertThat(result.pValue()).isCloseTo(0.070, within(0.0005));
        assertThat(result.discordantPairs()).isEqualTo(8);
    }

    @Test
    void matchesTheBinomialFormulaWorkedByHand() {
        // derived by hand (no published table found): p = min(1, 2 · Σ_{k ≤ min(b,c)} C(b+c, k) / 2^(b+c))
        assertThat(McNemar.exact(0, 5).pValue()).isCloseTo(2.0 / 32, within(1e-12));          // 0.0625
        assertThat(McNemar.exact(8, 2).pValue()).isCloseTo(2.0 * 56 / 1024, within(1e-12));    // 0.109375
        assertThat(McNemar.exact(0, 10).pValue()).isCloseTo(2.0 / 1024, within(1e-12));        // 0.001953125
        assertThat(McNemar.exact(3, 3).pValue()).isEqualTo(1.0);   // 2 · 42/64 > 1: capped
        assertThat(McNemar.exact(0, 0).pValue()).isEqualTo(1.0);   // no discordant pair, no evidence
    }

    @Test
    void agreesWithExactRationalArithmeticOnALargeTable() {
        // Agresti's presidential approval table (R's mcnemar.test example): discordant cells 150 and 86
        BigInteger lowerTail = BigInteger.ZERO;
        for (int k = 0; k <= 86; k++) {
            lowerTail = lowerTail.add(binomial(236, k));
        }
        double expected = new BigDecimal(lowerTail.shiftLeft(1))
                .divide(new BigDecimal(BigInteger.ONE.shiftLeft(236)), MathContext.DECIMAL128).doubleValue();

        assertThat(McNemar.exact(150, 86).pValue()).isCloseTo(expected, within(expected * 1e-9));
        assertThat(McNemar.exact(86, 150).pValue()).isEqualTo(McNemar.exact(150, 86).pValue());
        assertThat(expected).isLessThan(1e-4);
    }

    @Test
    void buildsTheTableFromPairedOutcomes() {
        PairedOutcomes outcomes = PairedOutcomes.of(
                List.of(true, true, false, true, false, true),
                List.of(true, false, false, false, true, true));

        assertThat(outcomes).isEqualTo(new PairedOutcomes(2, 2, 1, 1));
        assertThat(outcomes.examples()).isEqualTo(6);
        assertThat(outcomes.discordantRate()).isCloseTo(0.5, within(1e-12));
        assertThat(outcomes.difference()).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(McNemar.exact(outcomes)).isEqualTo(McNemar.exact(2, 1));
    }

    @Test
    void refusesUnpairedOrNegativeInput() {
        assertThatThrownBy(() -> PairedOutcomes.of(List.of(true), List.of(true, false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> McNemar.exact(-1, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    private static BigInteger binomial(int n, int k) {
        BigInteger result = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            result = result.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return result;
    }
}
