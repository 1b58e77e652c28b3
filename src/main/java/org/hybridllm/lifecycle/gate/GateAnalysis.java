package org.hybridllm.lifecycle.gate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hybridllm.lifecycle.evaluate.EvalResults.ExampleOutcome;
import org.hybridllm.lifecycle.evaluate.Evaluation;
import org.hybridllm.lifecycle.evaluate.UseCaseScorers;
import org.hybridllm.lifecycle.statistics.DetectableEffect;
import org.hybridllm.lifecycle.statistics.DifferenceInterval;
import org.hybridllm.lifecycle.statistics.McNemar;
import org.hybridllm.lifecycle.statistics.MinimumDetectableEffect;
import org.hybridllm.lifecycle.statistics.PairedBootstrap;
import org.hybridllm.lifecycle.statistics.PairedOutcomes;

/**
 * The gate's statistics on paired per-example results (pure: no I/O). Champion and candidate were scored on the
 * same examples in the same order, so element i of both lists is the same example. The verdict is not taken
 * here: the DMN table promotion-gate takes it on {@link Analysis}'s figures.
 */
final class GateAnalysis {

    static final String TEST_SPLIT = "test-split";
    static final double LEVEL = 0.95;
    private static final Set<String> PASS_FAIL = Set.of(Evaluation.ACCURACY, Evaluation.STRICT_RECORD_MATCH,
            Evaluation.REFERENCE_MATCH);

    private GateAnalysis() {
    }

    /**
     * @param clusterKeys one per test example, or null / empty (each example its own unit)
     * @param evalSet     champion and candidate on the curated set, or null
     */
    record Inputs(String metric, List<ExampleOutcome> champion, List<ExampleOutcome> candidate,
                  List<String> clusterKeys, double minimumGain, boolean leakageFlagged, Pair evalSet) {
    }

    record Pair(List<ExampleOutcome> champion, List<ExampleOutcome> candidate) {
    }

    /**
     * The evidence without verdict and reasons, and the figures the DMN table decides on.
     *
     * @param additionalExamplesNeeded what an INCONCLUSIVE verdict would say (null: no number of examples would do)
     * @param additionalExamplesReason that, in words
     */
    record Analysis(GateEvidence evidence, Integer additionalExamplesNeeded, String additionalExamplesReason,
                    int sliceRegressions, int nonInferiorityFailures) {
    }

    static Analysis analyse(Inputs in, GateProperties settings) {
        List<ExampleOutcome> champion = in.champion();
        List<ExampleOutcome> candidate = in.candidate();
        if (champion.size() != candidate.size() || champion.isEmpty()) {
            throw new IllegalStateException("the gate needs champion and candidate on the same, non-empty test split;"
                    + " got " + champion.size() + " and " + candidate.size() + " examples");
        }
        int n = champion.size();
        List<String> warnings = new ArrayList<>();
        String[] keys = clusterKeys(in.clusterKeys(), n, warnings);
        boolean passFail = PASS_FAIL.contains(in.metric());

        double[] championValues = primaryValues(champion, passFail);
        double[] candidateValues = primaryValues(candidate, passFail);
        DifferenceInterval ci = PairedBootstrap.differenceCi(candidateValues, championValues, keys,
                settings.resamples(), settings.seed(), LEVEL);

        Double pValue = null;
        DetectableEffect mde;
        double minimumGain = in.minimumGain();
        if (passFail) {
            PairedOutcomes outcomes = PairedOutcomes.of(candidate.stream().map(ExampleOutcome::passed).toList(),
                    champion.stream().map(ExampleOutcome::passed).toList());
            pValue = McNemar.exact(outcomes).pValue();
            double discordant = outcomes.discordantRate();
            if (discordant == 0) {
                warnings.add("The champion and the candidate passed and failed the very same examples: the minimum "
                        + "detectable effect is computed as if they disagreed on one.");
            }
            mde = MinimumDetectableEffect.pairedProportions(n, Math.max(discordant, 1.0 / n), settings.alpha(),
                    settings.power());
        } else {
            double sd = standardDeviationOfDifferences(candidateValues, championValues);
            if (sd == 0) {
                warnings.add("The champion and the candidate scored the same on every example: the minimum "
                        + "detectable effect is computed as if they differed on one.");
            }
            mde = MinimumDetectableEffect.pairedMeans(n, sd > 0 ? sd : 1.0 / n, settings.alpha(), settings.power());
        }
        // a minimum gain of 0 asks for any improvement: every MDE "exceeds" it, and a warning would say nothing
        boolean mdeExceeds = minimumGain > 0 && mde.exceeds(minimumGain);
        if (mdeExceeds) {
            warnings.add(mde.effect() == null
                    ? String.format(Locale.ROOT, "With %d test examples no difference the models' disagreement "
                    + "allows is detectable at %.0f %% power: a real gain may go unseen.", n, settings.power() * 100)
                    : String.format(Locale.ROOT, "With %d test examples the smallest difference detectable at %.0f %% "
                    + "power, α %s, is %.3f, more than the minimum gain %.3f: a real gain of that size may go unseen.",
                    n, settings.power() * 100, settings.alpha(), mde.effect(), minimumGain));
        }

        double observed = ci.difference();
        double wanted = Math.max(Math.abs(observed), minimumGain);
        Integer additional = null;
        String additionalReason;
        if (!(wanted > 0)) {
            additionalReason = "The champion and the candidate did equally well and no minimum gain is set: no "
                    + "number of examples would show a difference of zero; set the use case's minimumGain to say "
                    + "what gain is worth detecting.";
        } else {
            int needed;
            if (passFail) {
                double discordant = Math.max(mde.rate(), wanted);
                needed = MinimumDetectableEffect.pairedExamplesNeeded(Math.min(wanted, 1.0), Math.min(discordant, 1.0),
                        settings.alpha(), settings.power());
            } else {
                needed = MinimumDetectableEffect.pairedMeansExamplesNeeded(wanted, mde.rate(), settings.alpha(),
                        settings.power());
            }
            additional = Math.max(0, needed - n);
            additionalReason = String.format(Locale.ROOT, "About %d more test examples (%d in all) would be needed "
                            + "to detect a difference of %.3f (%s) at %.0f %% power and α %s.", additional, needed,
                    wanted, wanted == Math.abs(observed) ? "the observed one" : "the minimum gain",
                    settings.power() * 100, settings.alpha());
        }

        List<GateEvidence.NonInferiority> nonInferiority = nonInferiority(champion, candidate, keys, settings);
        List<GateEvidence.Slice> slices = slices(in.metric(), champion, candidate, keys, passFail, settings, warnings);
        if (in.leakageFlagged()) {
            warnings.add("The test split overlaps the training split beyond the leakage threshold: the candidate's "
                    + "score may be inflated by near-duplicates it was trained on.");
        }
        GateEvidence.EvalSet evalSet = evalSet(in.evalSet(), passFail, settings);
        GateEvidence evidence = new GateEvidence(null, in.metric(), TEST_SPLIT, n, mean(championValues),
                mean(candidateValues), observed, List.of(ci.low(), ci.high()), pValue,
                passFail ? "mcnemar-exact" : "paired-bootstrap", ci.resamples(), ci.resampledUnits(), mde.effect(),
                minimumGain, mdeExceeds, null, evalSet, nonInferiority, slices, in.leakageFlagged(), List.of(),
                List.copyOf(warnings));
        int regressions = (int) slices.stream().filter(GateEvidence.Slice::regressed).count();
        int failures = (int) nonInferiority.stream().filter(ni -> !ni.passed()).count();
        return new Analysis(evidence, additional, additionalReason, regressions, failures);
    }

    private static String[] clusterKeys(List<String> keys, int n, List<String> warnings) {
        if (keys == null || keys.isEmpty()) {
            return null;
        }
        if (keys.size() != n) {
            warnings.add("The test split has " + keys.size() + " cluster keys for " + n + " evaluated examples: "
                    + "examples were resampled one by one.");
            return null;
        }
        return keys.toArray(String[]::new);
    }

    /** An example's part in the primary metric: 1/0 for a pass/fail metric, its value (a share) otherwise. */
    private static double[] primaryValues(List<ExampleOutcome> outcomes, boolean passFail) {
        return outcomes.stream().mapToDouble(o -> passFail ? (o.passed() ? 1 : 0)
                : o.value() == null ? 0 : o.value()).toArray();
    }

    private static List<GateEvidence.NonInferiority> nonInferiority(List<ExampleOutcome> champion,
            List<ExampleOutcome> candidate, String[] keys, GateProperties settings) {
        List<GateEvidence.NonInferiority> checks = new ArrayList<>();
        // cost per call, when every call of both was priced
        if (champion.stream().allMatch(o -> o.costUsd() != null) && candidate.stream().allMatch(o -> o.costUsd() != null)) {
            double[] championCost = champion.stream().map(ExampleOutcome::costUsd).mapToDouble(BigDecimal::doubleValue)
                    .toArray();
            double[] candidateCost = candidate.stream().map(ExampleOutcome::costUsd)
                    .mapToDouble(BigDecimal::doubleValue).toArray();
            DifferenceInterval ci = PairedBootstrap.differenceCi(candidateCost, championCost, keys,
                    settings.resamples(), settings.seed(), LEVEL);
            double margin = mean(championCost) * settings.costMargin() + settings.costSlackUsd();
            checks.add(new GateEvidence.NonInferiority("costPerCallUsd", mean(championCost), mean(candidateCost),
                    margin, ci.high(), ci.high() <= margin + 1e-12));
        }
        // latency p95: a relative margin plus an absolute slack (local timings are noisy on a shared machine)
        if (champion.stream().allMatch(o -> o.latencyMs() != null)
                && candidate.stream().allMatch(o -> o.latencyMs() != null)) {
            double[] championLatency = champion.stream().mapToDouble(ExampleOutcome::latencyMs).toArray();
            double[] candidateLatency = candidate.stream().mapToDouble(ExampleOutcome::latencyMs).toArray();
            DifferenceInterval ci = PairedBootstrap.quantileDifferenceCi(candidateLatency, championLatency, 0.95,
                    settings.resamples(), settings.seed(), LEVEL);
            double championP95 = PairedBootstrap.quantile(0.95, championLatency);
            double margin = championP95 * settings.latencyMargin() + settings.latencySlackMs();
            checks.add(new GateEvidence.NonInferiority("latencyP95Ms", championP95,
                    PairedBootstrap.quantile(0.95, candidateLatency), margin, ci.high(), ci.high() <= margin));
        }
        // schema-valid rate, for extraction (the json-schema verdict)
        if (champion.stream().allMatch(o -> verdict(o, UseCaseScorers.JSON_SCHEMA) != null)
                && candidate.stream().allMatch(o -> verdict(o, UseCaseScorers.JSON_SCHEMA) != null)) {
            double[] championValid = champion.stream().mapToDouble(o -> passed(verdict(o, UseCaseScorers.JSON_SCHEMA)))
                    .toArray();
            double[] candidateValid = candidate.stream()
                    .mapToDouble(o -> passed(verdict(o, UseCaseScorers.JSON_SCHEMA))).toArray();
            DifferenceInterval ci = PairedBootstrap.differenceCi(candidateValid, championValid, keys,
                    settings.resamples(), settings.seed(), LEVEL);
            checks.add(new GateEvidence.NonInferiority("schemaValidRate", mean(championValid), mean(candidateValid),
                    settings.schemaValidMargin(), ci.low(), ci.low() >= -settings.schemaValidMargin()));
        }
        return checks;
    }

    /**
     * Per expected label (classification), per field (extraction: the field-match verdict's fields), per rubric
     * criterion (generation with a judge); none for reference match.
     */
    private static List<GateEvidence.Slice> slices(String metric, List<ExampleOutcome> champion,
            List<ExampleOutcome> candidate, String[] keys, boolean passFail, GateProperties settings,
            List<String> warnings) {
        String kind;
        Map<String, List<int[]>> bySlice = new LinkedHashMap<>(); // slice → [position, champion 1/0, candidate 1/0]
        switch (metric) {
            case Evaluation.ACCURACY -> {
                kind = "label";
                for (int i = 0; i < champion.size(); i++) {
                    String label = Objects.requireNonNullElse(champion.get(i).expected(), "");
                    bySlice.computeIfAbsent(label, k -> new ArrayList<>()).add(new int[] {i,
                            champion.get(i).passed() ? 1 : 0, candidate.get(i).passed() ? 1 : 0});
                }
            }
            case Evaluation.STRICT_RECORD_MATCH -> {
                kind = "field";
                for (int i = 0; i < champion.size(); i++) {
                    Map<String, Boolean> championFields = fieldsRight(champion.get(i));
                    Map<String, Boolean> candidateFields = fieldsRight(candidate.get(i));
                    Set<String> names = new LinkedHashSet<>(championFields.keySet());
                    names.addAll(candidateFields.keySet());
                    for (String name : names) {
                        // a field one side does not list was neither expected nor output there: rightly absent
                        bySlice.computeIfAbsent(name, k -> new ArrayList<>()).add(new int[] {i,
                                championFields.getOrDefault(name, true) ? 1 : 0,
                                candidateFields.getOrDefault(name, true) ? 1 : 0});
                    }
                }
            }
            case Evaluation.RUBRIC_PASS_RATE -> {
                kind = "criterion";
                for (int i = 0; i < champion.size(); i++) {
                    Map<String, Boolean> championCriteria = criteriaPassed(champion.get(i));
                    Map<String, Boolean> candidateCriteria = criteriaPassed(candidate.get(i));
                    for (Map.Entry<String, Boolean> criterion : championCriteria.entrySet()) {
                        Boolean other = candidateCriteria.get(criterion.getKey());
                        if (other != null) {
                            bySlice.computeIfAbsent(criterion.getKey(), k -> new ArrayList<>()).add(new int[] {i,
                                    criterion.getValue() ? 1 : 0, other ? 1 : 0});
                        }
                    }
                }
            }
            default -> {
                return List.of();
            }
        }
        List<GateEvidence.Slice> slices = new ArrayList<>();
        List<String> small = new ArrayList<>();
        for (Map.Entry<String, List<int[]>> slice : bySlice.entrySet()) {
            List<int[]> rows = slice.getValue();
            double[] championValues = rows.stream().mapToDouble(r -> r[1]).toArray();
            double[] candidateValues = rows.stream().mapToDouble(r -> r[2]).toArray();
            String[] sliceKeys = keys == null ? null : rows.stream().map(r -> keys[r[0]]).toArray(String[]::new);
            DifferenceInterval ci = PairedBootstrap.differenceCi(candidateValues, championValues, sliceKeys,
                    settings.resamples(), settings.seed(), LEVEL);
            boolean guarded = rows.size() >= settings.sliceMinimumExamples();
            if (!guarded) {
                small.add(slice.getKey());
            }
            slices.add(new GateEvidence.Slice(kind, slice.getKey(), rows.size(), mean(championValues),
                    mean(candidateValues), ci.difference(), List.of(ci.low(), ci.high()),
                    guarded && ci.whollyBelow(-settings.sliceMargin())));
        }
        if (!small.isEmpty()) {
            warnings.add("Slices with fewer than " + settings.sliceMinimumExamples() + " examples are shown but do "
                    + "not block promotion: " + String.join(", ", small) + ".");
        }
        return slices;
    }

    private static GateEvidence.EvalSet evalSet(Pair pair, boolean passFail, GateProperties settings) {
        if (pair == null || pair.champion().isEmpty() || pair.champion().size() != pair.candidate().size()) {
            return null;
        }
        double[] championValues = primaryValues(pair.champion(), passFail);
        double[] candidateValues = primaryValues(pair.candidate(), passFail);
        DifferenceInterval ci = PairedBootstrap.differenceCi(candidateValues, championValues, null,
                settings.resamples(), settings.seed(), LEVEL);
        return new GateEvidence.EvalSet(championValues.length, mean(championValues), mean(candidateValues),
                ci.difference(), List.of(ci.low(), ci.high()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Boolean> fieldsRight(ExampleOutcome outcome) {
        Map<String, Object> verdict = verdict(outcome, UseCaseScorers.FIELD_MATCH);
        Map<String, Boolean> right = new LinkedHashMap<>();
        if (verdict != null && verdict.get("details") instanceof Map<?, ?> details
                && details.get("fields") instanceof Map<?, ?> fields) {
            ((Map<String, Object>) fields).forEach((name, detail) -> {
                Object label = detail instanceof Map<?, ?> d ? d.get("outcome") : null;
                right.put(name, "match".equals(label) || "absent-both".equals(label));
            });
        }
        return right;
    }

    private static Map<String, Boolean> criteriaPassed(ExampleOutcome outcome) {
        Map<String, Object> verdict = verdict(outcome, UseCaseScorers.LLM_RUBRIC);
        Map<String, Boolean> passed = new LinkedHashMap<>();
        if (verdict != null && verdict.get("details") instanceof Map<?, ?> details
                && details.get("criteria") instanceof List<?> criteria) {
            Set<String> seen = new HashSet<>();
            for (Object criterion : criteria) {
                if (criterion instanceof Map<?, ?> c && c.get("name") instanceof String name && seen.add(name)) {
                    passed.put(name, Boolean.TRUE.equals(c.get("pass")));
                }
            }
        }
        return passed;
    }

    private static Map<String, Object> verdict(ExampleOutcome outcome, String type) {
        return outcome.verdicts().stream().filter(v -> type.equals(v.get("type"))).findFirst().orElse(null);
    }

    private static double passed(Map<String, Object> verdict) {
        return Boolean.TRUE.equals(verdict.get("passed")) ? 1 : 0;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }

    private static double standardDeviationOfDifferences(double[] candidate, double[] champion) {
        int n = candidate.length;
        if (n < 2) {
            return 0;
        }
        double[] differences = new double[n];
        for (int i = 0; i < n; i++) {
            differences[i] = candidate[i] - champion[i];
        }
        double mean = mean(differences);
        double squares = 0;
        for (double d : differences) {
            squares += (d - mean) * (d - mean);
        }
        return Math.sqrt(squares / (n - 1));
    }
}
