package org.hybridllm.lifecycle.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.evaluate.EvalResults;
import org.junit.jupiter.api.Test;

class ReviewEvidenceTest {

    /**
     * A label whose 263 expected examples were predicted right 81 times: recall 81/263 with Newcombe's (1998,
     * Table I) Wilson interval [0.2553, 0.3662]; predicted 95 times in all: precision 81/95.
     */
    @Test
    void perLabelPrecisionAndRecallComeFromTheConfusionMatrixWithWilsonIntervals() {
        Map<String, Map<String, Integer>> confusion = new LinkedHashMap<>();
        confusion.put("billing", new LinkedHashMap<>(Map.of("billing", 81, "shipping", 182)));
        confusion.put("shipping", new LinkedHashMap<>(Map.of("billing", 14, "shipping", 6, "other", 3)));

        Map<String, ReviewEvidence.Rates> rates = ReviewEvidence.labelRates(confusion);

        ReviewEvidence.Rates billing = rates.get("billing");
        assertThat(billing.support()).isEqualTo(263);
        assertThat(billing.recall().value()).isCloseTo(81.0 / 263, within(1e-12));
        assertThat(billing.recall().low()).isCloseTo(0.2553, within(0.00005));
        assertThat(billing.recall().high()).isCloseTo(0.3662, within(0.00005));
        assertThat(billing.precision().successes()).isEqualTo(81);
        assertThat(billing.precision().trials()).isEqualTo(95);
        // a label only ever predicted has no support and so no recall, but a precision of 0 of 3
        ReviewEvidence.Rates other = rates.get("other");
        assertThat(other.support()).isZero();
        assertThat(other.recall()).isNull();
        assertThat(other.precision().value()).isZero();
        assertThat(ReviewEvidence.confusion("candidate", confusion).counts())
                .containsExactly(List.of(81, 182, 0), List.of(14, 6, 3), List.of(0, 0, 0));
    }

    @Test
    void perFieldRatesCountWrongAgainstBothMissingAgainstRecallExtraAgainstPrecision() {
        Map<String, Object> metrics = Map.of("fields", Map.of("fields", List.of(
                Map.of("field", "orderId", "correct", 15, "wrong", 100, "missing", 33, "extra", 0))));

        ReviewEvidence.Rates orderId = ReviewEvidence.fieldRates(metrics).get("orderId");

        assertThat(orderId.support()).isEqualTo(148);
        // 15/148: Newcombe (1998), Table I, Wilson [0.0624, 0.1605]
        assertThat(orderId.recall().low()).isCloseTo(0.0624, within(0.00005));
        assertThat(orderId.recall().high()).isCloseTo(0.1605, within(0.00005));
        assertThat(orderId.precision().trials()).isEqualTo(115);
    }

    @Test
    void aCriterionHasOnePassRateOverTheExamplesJudgedUsably() {
        ReviewEvidence.Rates tone = ReviewEvidence.criterionRates(
                List.of(new EvalResults.CriterionCount("tone", 29, 1))).get("tone");
        assertThat(tone.precision()).isNull();
        assertThat(tone.support()).isEqualTo(29);
        assertThat(tone.recall().low()).isCloseTo(0.0061, within(0.00005)); // Newcombe (1998), 1/29
        assertThat(tone.recall().high()).isCloseTo(0.1718, within(0.00005));
    }
}
