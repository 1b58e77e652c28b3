package org.hybridllm.lifecycle.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.hybridllm.lifecycle.evaluate.EvalResults.ExampleOutcome;
import org.hybridllm.lifecycle.evaluate.Evaluation;
import org.junit.jupiter.api.Test;

class GateAnalysisTest {

    static final GateProperties SETTINGS = new GateProperties(0.05, 0.8, 10_000, 20261217L, 0.05, 5, 0.10, 0.000005, 0.5, 250,
            0.02);
    static final List<String> LABELS = List.of("billing", "shipping", "account", "outage", "refund");

    @Test
    void aClearlyBetterCandidateHasAnIntervalAboveZeroAndTheExactMcNemarP() {
        // 135 examples: champion passes the first 113 (0.837); the candidate fails 2 of those (one in each of two
        // labels) and passes 17 the champion failed → b = 17, c = 2
        List<ExampleOutcome> champion = classified(135, i -> i < 113, 10);
        List<ExampleOutcome> candidate = classified(135, i -> (i < 113 && i != 0 && i != 1) || (i >= 113 && i < 130), 10);

        GateAnalysis.Analysis analysis = analyse(Evaluation.ACCURACY, champion, candidate, null, 0.0);
        GateEvidence gate = analysis.evidence();

        assertThat(gate.difference()).isCloseTo(15.0 / 135, within(1e-12));
        // exact binomial: 2 · P(X ≤ 2 | 19, ½) = 2 · (1 + 19 + 171) / 2¹⁹ = 0.000728607 (R: mcnemar.exact)
        assertThat(gate.pValue()).isCloseTo(382.0 / 524_288, within(1e-9));
        assertThat(gate.test()).isEqualTo("mcnemar-exact");
        assertThat(gate.ci().get(0)).isGreaterThan(0);
        assertThat(gate.ci().get(1)).isGreaterThan(gate.difference());
        assertThat(gate.resamples()).isEqualTo(10_000);
        assertThat(gate.clusters()).isEqualTo(135);
        assertThat(gate.minimumDetectableEffect()).isLessThan(gate.difference());
        assertThat(analysis.sliceRegressions()).isZero();
        assertThat(gate.slices()).extracting(GateEvidence.Slice::name).containsExactlyInAnyOrderElementsOf(LABELS);
        assertThat(gate.nonInferiority()).extracting(GateEvidence.NonInferiority::metric)
                .containsExactly("costPerCallUsd", "latencyP95Ms");
        assertThat(analysis.nonInferiorityFailures()).isZero();
    }

    @Test
    void aDifferenceOfNoiseSaysHowManyMoreExamplesWouldBeNeeded() {
        // b = 6, c = 4 on 135: a difference of 2/135 with p = 2 · P(X ≤ 4 | 10) = 0.7539
        List<ExampleOutcome> champion = classified(135, i -> i < 100 || (i >= 100 && i < 104), 10);
        List<ExampleOutcome> candidate = classified(135, i -> i < 100 || (i >= 110 && i < 116), 10);

        GateAnalysis.Analysis analysis = analyse(Evaluation.ACCURACY, champion, candidate, null, 0.0);

        assertThat(analysis.evidence().pValue()).isCloseTo(772.0 / 1024, within(1e-9));
        assertThat(analysis.evidence().ci().get(0)).isLessThan(0);
        assertThat(analysis.evidence().ci().get(1)).isGreaterThan(0);
        // Connor: ψ = 10/135, δ = 2/135 → [1.95996·√ψ + 0.84162·√(ψ − δ²)]² / δ² = 2,646.6 → 2,647 in all
        assertThat(analysis.additionalExamplesNeeded()).isEqualTo(2647 - 135);
        assertThat(analysis.additionalExamplesReason()).contains("2512 more test examples", "2647 in all");
    }

    @Test
    void oneLabelWorseBeyondItsMarginIsARegressionWhateverTheOverallGain() {
        // billing (i % 5 == 0, 27 examples): champion passes all, candidate 12; every other label: 14 → 27
        List<ExampleOutcome> champion = classified(135, i -> i % 5 == 0 || (i / 5) < 14, 10);
        List<ExampleOutcome> candidate = classified(135, i -> i % 5 != 0 || (i / 5) < 12, 10);

        GateAnalysis.Analysis analysis = analyse(Evaluation.ACCURACY, champion, candidate, null, 0.0);

        assertThat(analysis.evidence().ci().get(0)).as("better overall").isGreaterThan(0);
        assertThat(analysis.sliceRegressions()).isEqualTo(1);
        GateEvidence.Slice billing = analysis.evidence().slices().stream().filter(GateEvidence.Slice::regressed)
                .findFirst().orElseThrow();
        assertThat(billing.name()).isEqualTo("billing");
        assertThat(billing.kind()).isEqualTo("label");
        assertThat(billing.examples()).isEqualTo(27);
        assertThat(billing.difference()).isCloseTo(-15.0 / 27, within(1e-12));
        assertThat(billing.ci().get(1)).isLessThan(-0.05);
    }

    @Test
    void sixtyExamplesGiveALargeMinimumDetectableEffectAndAWarning() {
        // b = 6, c = 2 on 60: +0.067, p = 2 · P(X ≤ 2 | 8) = 0.2891
        List<ExampleOutcome> champion = classified(60, i -> i < 40 || (i >= 40 && i < 42), 10);
        List<ExampleOutcome> candidate = classified(60, i -> i < 40 || (i >= 50 && i < 56), 10);

        GateAnalysis.Analysis analysis = analyse(Evaluation.ACCURACY, champion, candidate, null, 0.02);
        GateEvidence gate = analysis.evidence();

        assertThat(gate.pValue()).isCloseTo(74.0 / 256, within(1e-9));
        assertThat(gate.ci().get(0)).isLessThan(0);
        assertThat(gate.mdeExceedsMinimumGain()).isTrue();
        assertThat(gate.minimumDetectableEffect() == null || gate.minimumDetectableEffect() > 0.1).isTrue();
        assertThat(gate.warnings()).anyMatch(w -> w.contains("With 60 test examples"));
    }

    @Test
    void clusterKeysThatMoveTogetherWidenTheIntervalAndAreCounted() {
        // 27 clusters of 5; the candidate's gains and losses come in whole clusters
        List<ExampleOutcome> champion = classified(135, i -> i < 80 || (i >= 120 && i < 125), 10);
        List<ExampleOutcome> candidate = classified(135, i -> i < 80 || (i >= 95 && i < 110), 10);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 135; i++) {
            keys.add("conversation-" + i / 5);
        }

        GateEvidence unclustered = analyse(Evaluation.ACCURACY, champion, candidate, null, 0.0).evidence();
        GateEvidence clustered = analyse(Evaluation.ACCURACY, champion, candidate, keys, 0.0).evidence();

        assertThat(clustered.clusters()).isEqualTo(27);
        assertThat(clustered.difference()).isEqualTo(unclustered.difference());
        assertThat(clustered.ci().get(1) - clustered.ci().get(0))
                .isGreaterThan(1.5 * (unclustered.ci().get(1) - unclustered.ci().get(0)));
    }

    @Test
    void extractionIsSlicedPerFieldAndChecksTheSchemaValidRateAndLatency() {
        List<ExampleOutcome> champion = new ArrayList<>();
        List<ExampleOutcome> candidate = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // the champion gets amount wrong on half the examples; the candidate never, but it is 10× slower
            champion.add(extracted(i, i % 2 == 0, true, 100));
            candidate.add(extracted(i, true, true, 1000));
        }

        GateAnalysis.Analysis analysis = analyse(Evaluation.STRICT_RECORD_MATCH, champion, candidate, null, 0.0);

        assertThat(analysis.evidence().slices()).extracting(s -> s.kind() + ":" + s.name())
                .containsExactly("field:orderId", "field:amount");
        assertThat(analysis.evidence().slices().get(1).difference()).isCloseTo(0.5, within(1e-12));
        assertThat(analysis.evidence().nonInferiority()).extracting(GateEvidence.NonInferiority::metric)
                .containsExactly("costPerCallUsd", "latencyP95Ms", "schemaValidRate");
        GateEvidence.NonInferiority latency = analysis.evidence().nonInferiority().get(1);
        assertThat(latency.margin()).isCloseTo(100 * 0.5 + 250, within(1e-9));
        assertThat(latency.bound()).isCloseTo(900, within(1e-9));
        assertThat(latency.passed()).isFalse();
        assertThat(analysis.evidence().nonInferiority().get(2).passed()).isTrue();
        assertThat(analysis.nonInferiorityFailures()).isEqualTo(1);
    }

    @Test
    void identicalModelsWithNoMinimumGainNeedNoNumberOfExamples() {
        List<ExampleOutcome> same = classified(50, i -> i < 30, 10);

        GateAnalysis.Analysis analysis = analyse(Evaluation.ACCURACY, same, same, null, 0.0);

        assertThat(analysis.evidence().ci()).containsExactly(0.0, 0.0);
        assertThat(analysis.evidence().pValue()).isEqualTo(1.0);
        assertThat(analysis.additionalExamplesNeeded()).isNull();
        assertThat(analysis.additionalExamplesReason()).contains("minimumGain");
    }

    private static GateAnalysis.Analysis analyse(String metric, List<ExampleOutcome> champion,
            List<ExampleOutcome> candidate, List<String> keys, double minimumGain) {
        return GateAnalysis.analyse(new GateAnalysis.Inputs(metric, champion, candidate, keys, minimumGain, false,
                null), SETTINGS);
    }

    /** Classification examples: label by position (i % 5), the equals verdict, a latency, priced at zero. */
    static List<ExampleOutcome> classified(int n, IntPredicate passed, double latencyMs) {
        List<ExampleOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean pass = passed.test(i);
            outcomes.add(new ExampleOutcome(i, LABELS.get(i % 5), pass, pass ? 1.0 : 0.0,
                    List.of(Map.of("type", "equals", "scorer", "equals", "passed", pass)), latencyMs,
                    BigDecimal.ZERO));
        }
        return outcomes;
    }

    private static ExampleOutcome extracted(int i, boolean amountRight, boolean valid, double latencyMs) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("orderId", Map.of("outcome", "match"));
        fields.put("amount", Map.of("outcome", amountRight ? "match" : "wrong"));
        Map<String, Object> fieldMatch = Map.of("type", "field-match", "passed", amountRight,
                "details", Map.of("fields", fields));
        Map<String, Object> schema = Map.of("type", "json-schema", "passed", valid);
        boolean passed = amountRight && valid;
        return new ExampleOutcome(i, "{}", passed, passed ? 1.0 : 0.0, List.of(schema, fieldMatch), latencyMs,
                BigDecimal.ZERO);
    }
}
