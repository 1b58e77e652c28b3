package org.hybridllm.lifecycle.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MinimumDetectableEffectTest {

    @Test
    void matchesCohensPowerTableForTwoProportions() {
        // Cohen (1988), Statistical Power Analysis for the Behavioral Sciences, Table 6.4.1 (a₂ = .05, power .80):
        // n per sample 392 for h = .20, 63 for h = .50, 25 for h = .80 (Cohen rounds to the nearest integer)
        assertThat(perGroupAtFivePercentAndEightyPercentPower(0.2)).isCloseTo(392, within(0.5));
        assertThat(perGroupAtFivePercentAndEightyPercentPower(0.5)).isCloseTo(63, within(0.5));
        assertThat(perGroupAtFivePercentAndEightyPercentPower(0.8)).isCloseTo(25, within(0.5));
        // statsmodels NormalIndPower().solve_power(effect_size=0.2, alpha=0.05, power=0.8) = 392.443
        assertThat(perGroupAtFivePercentAndEightyPercentPower(0.2)).isCloseTo(392.443, within(0.01));
    }

    @Test
    void twoProportionsEffectIsTheTabledArcsineEffectTurnedIntoAPassRate() {
        // at 393 per group h = .20 is just detectable; from p = .5, h = .2 means p₂ = sin²(π/4 + .1) = .5998
        DetectableEffect effect = MinimumDetectableEffect.twoProportions(393, 0.5, 0.05, 0.8);

        assertThat(effect.effect()).isCloseTo(Math.pow(Math.sin(Math.PI / 4 + 0.1), 2) - 0.5, within(0.0005));
        assertThat(effect.examplesNeeded(effect.effect())).isBetween(392, 393);
        // .5 → .6 by hand: h = 2·asin√.6 − 2·asin√.5 = .20136, n = 2 · (2.80159 / .20136)² = 387.17 → 388
        assertThat(MinimumDetectableEffect.twoProportionsExamplesNeeded(0.1, 0.5, 0.05, 0.8)).isEqualTo(388);
    }

    @Test
    void pairedProportionsFollowConnorsFormula() {
        // derived by hand from Connor (1987): ψ = .2, δ = .1 → [1.95996·√.2 + 0.84162·√.19]² / .01 = 154.60 → 155
        assertThat(MinimumDetectableEffect.pairedExamplesNeeded(0.1, 0.2, 0.05, 0.8)).isEqualTo(155);

        DetectableEffect atThatSize = MinimumDetectableEffect.pairedProportions(155, 0.2, 0.05, 0.8);
        assertThat(atThatSize.effect()).isLessThanOrEqualTo(0.1).isCloseTo(0.1, within(0.001));
        assertThat(atThatSize.examplesNeeded(atThatSize.effect())).isBetween(155, 156);
    }

    @Test
    void pairedMeansFollowTheNormalApproximationOfThePairedTTest() {
        // (z.975 + z.80)² = (1.95996 + 0.84162)² = 7.84887, the constant of every 5 %/80 % sample-size table:
        // Cohen's d = δ/σ_d = .5 → 7.84887 / .25 = 31.40 → 32 pairs (G*Power's paired t-test, exact t: 34)
        assertThat(MinimumDetectableEffect.pairedMeansExamplesNeeded(0.5, 1.0, 0.05, 0.8)).isEqualTo(32);
        // d = .2 → 196.2 → 197; d = .8 → 12.26 → 13
        assertThat(MinimumDetectableEffect.pairedMeansExamplesNeeded(0.2, 1.0, 0.05, 0.8)).isEqualTo(197);
        assertThat(MinimumDetectableEffect.pairedMeansExamplesNeeded(0.08, 0.1, 0.05, 0.8)).isEqualTo(13);

        DetectableEffect atThirtyTwo = MinimumDetectableEffect.pairedMeans(32, 0.3, 0.05, 0.8);
        assertThat(atThirtyTwo.effect()).isCloseTo(2.80158 * 0.3 / Math.sqrt(32), within(1e-4));
        assertThat(atThirtyTwo.examplesNeeded(atThirtyTwo.effect())).isBetween(32, 33);
        assertThatThrownBy(() -> MinimumDetectableEffect.pairedMeans(32, 0, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSixtyExampleUseCaseCannotDetectASmallGain() {
        DetectableEffect sixty = MinimumDetectableEffect.pairedProportions(60, 0.3, 0.05, 0.8);

        assertThat(sixty.effect()).isGreaterThan(0.15);
        assertThat(sixty.exceeds(0.02)).isTrue();
        // by hand: [1.95996·√.3 + 0.84162·√(.3 − .0025)]² / .0025 = 939.5 → 940, i.e. 880 more than 60
        assertThat(sixty.additionalExamplesNeeded(0.05)).isEqualTo(880);
        // with models that disagree on only 10 % of examples no difference up to 10 % is detectable at 60
        DetectableEffect rarelyDisagreeing = MinimumDetectableEffect.pairedProportions(60, 0.1, 0.05, 0.8);
        assertThat(rarelyDisagreeing.effect()).isNull();
        assertThat(rarelyDisagreeing.exceeds(0.02)).isTrue();
    }

    @Test
    void refusesParametersOutsideTheirRange() {
        assertThatThrownBy(() -> MinimumDetectableEffect.pairedProportions(0, 0.2, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MinimumDetectableEffect.pairedProportions(100, 0, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MinimumDetectableEffect.pairedExamplesNeeded(0.3, 0.2, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MinimumDetectableEffect.twoProportions(100, 0.5, 0.05, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double perGroupAtFivePercentAndEightyPercentPower(double arcsineEffect) {
        return MinimumDetectableEffect.examplesPerGroupForArcsineEffect(arcsineEffect, 0.05, 0.8);
    }
}
