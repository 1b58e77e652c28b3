package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hybridllm.lifecycle.dataset.DatasetRepository;
import org.hybridllm.lifecycle.dataset.DatasetVersion;
import org.hybridllm.lifecycle.evaluate.EvalResults;
import org.hybridllm.lifecycle.feedback.FeedbackRepository;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.run.RunView;
import org.hybridllm.lifecycle.statistics.Proportion;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * The evidence of a review beyond the approval's own JSON, gathered from the modules that own it: both sets for
 * every role, per-slice rates with Wilson intervals, the confusion matrices, the failing and changed examples,
 * latency and cost per call, the dataset's difference from the champion's, the training rows' provenance, and
 * for a resubmission what changed since the review that sent it back.
 */
@Component
class ReviewEvidence {

    static final List<String> SETS = List.of("eval-set", "test-split");
    static final List<String> ROLES = List.of("BASELINE", "CHAMPION", "CANDIDATE");
    static final int EXAMPLES_PER_PAGE = 20;
    static final int DIFFERENCE_IDS = 10;
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    /** One set's row of the evaluations table: each role's evaluation on it (absent: not evaluated). */
    public record SetRow(String set, Map<String, RunView.Evaluation> byRole) {
    }

    /** A slice's support (expected examples, or judged ones for a criterion) and two rates with 95 % intervals. */
    public record Rates(int support, Proportion precision, Proportion recall) {
    }

    public record SliceRow(String name, Rates champion, Rates candidate) {
    }

    /**
     * @param kind        label, field or criterion
     * @param firstRate   the first rate's name (precision), null when the kind has one rate only (a criterion)
     * @param secondRate  recall, or a criterion's pass rate
     */
    public record SliceTable(String kind, String firstRate, String secondRate, List<SliceRow> rows) {
    }

    /** A confusion matrix: rows expected, columns predicted, in {@code labels} order. */
    public record Confusion(String role, List<String> labels, List<List<Integer>> counts) {
    }

    public record BreakEvenRow(String name, String value, boolean known) {
    }

    /**
     * How this dataset differs from the one the champion was trained on: {@code firstFineTune} when the champion
     * was trained on none (a base model with a prompt).
     */
    public record DatasetChange(boolean firstFineTune, Long championModelVersionId, String championModelName,
                                Integer championDatasetVersion, DatasetRepository.Difference difference) {
    }

    /** The review that sent this run back, and what changed in the evidence since. */
    public record Resubmission(Approval earlier, List<EvidenceDiff.Change> changes) {
    }

    private final EvalResults evalResults;
    private final DatasetRepository datasets;
    private final FeedbackRepository feedback;
    private final ModelRegistry models;
    private final ApprovalRepository approvals;
    private final ObjectMapper json;

    ReviewEvidence(EvalResults evalResults, DatasetRepository datasets, FeedbackRepository feedback,
                   ModelRegistry models, ApprovalRepository approvals, ObjectMapper json) {
        this.evalResults = evalResults;
        this.datasets = datasets;
        this.feedback = feedback;
        this.models = models;
        this.approvals = approvals;
        this.json = json;
    }

    void addTo(Model model, Approval approval, RunView run, Map<String, Object> evidence,
               EvalResults.ExampleFilter filter, int page) {
        model.addAttribute("fmt", new EvidenceFormat(json));
        model.addAttribute("sets", sets(run));
        model.addAttribute("roles", ROLES);
        model.addAttribute("gate", evidence.get("gate") instanceof Map<?, ?> gate ? gate : null);
        model.addAttribute("leakage", evidence.get("leakage") instanceof Map<?, ?> leakage ? leakage : null);
        model.addAttribute("breakEven", breakEven(evidence));
        if (evidence.get("championEvalRunId") instanceof Number champion
                && evidence.get("candidateEvalRunId") instanceof Number candidate) {
            long championRun = champion.longValue();
            long candidateRun = candidate.longValue();
            model.addAttribute("slices", slices(championRun, candidateRun));
            model.addAttribute("confusions", confusions(championRun, candidateRun));
            model.addAttribute("championCalls", evalResults.callStats(championRun));
            model.addAttribute("candidateCalls", evalResults.callStats(candidateRun));
            long listed = evalResults.count(candidateRun, championRun, filter);
            model.addAttribute("examplesFilter", filter.name().toLowerCase());
            model.addAttribute("examplesCount", listed);
            model.addAttribute("examplesPage", page);
            model.addAttribute("examplesPages", (listed + EXAMPLES_PER_PAGE - 1) / EXAMPLES_PER_PAGE);
            model.addAttribute("examples", evalResults.sideBySide(candidateRun, championRun, filter,
                    page * EXAMPLES_PER_PAGE, EXAMPLES_PER_PAGE));
        }
        if (evidence.get("datasetVersionId") instanceof Number datasetId) {
            model.addAttribute("datasetChange", datasetChange(datasetId.longValue(), run));
            model.addAttribute("provenance", feedback.provenance(datasets.feedbackIds(datasetId.longValue(),
                    "train")));
        }
        resubmission(approval, evidence).ifPresent(r -> model.addAttribute("resubmission", r));
        model.addAttribute("decidedChecklist", approval.checklist() == null ? null : read(approval.checklist()));
    }

    static List<SetRow> sets(RunView run) {
        List<SetRow> rows = new ArrayList<>();
        for (String set : SETS) {
            Map<String, RunView.Evaluation> byRole = new LinkedHashMap<>();
            for (RunView.Evaluation evaluation : run.evaluations() == null ? List.<RunView.Evaluation>of()
                    : run.evaluations()) {
                if (evaluation.set().equals(set)) {
                    byRole.put(evaluation.role(), evaluation);
                }
            }
            if (!byRole.isEmpty()) {
                rows.add(new SetRow(set, byRole));
            }
        }
        return rows;
    }

    /**
     * Per label from the confusion matrix (classification), per field from the field-match counts (extraction),
     * per rubric criterion from the judge's verdicts (generation); null when the run has none of them.
     */
    SliceTable slices(long championRun, long candidateRun) {
        Map<String, Object> candidateMetrics = evalResults.metrics(candidateRun);
        if (candidateMetrics.get("fields") instanceof Map<?, ?>) {
            Map<String, Rates> champion = fieldRates(evalResults.metrics(championRun));
            Map<String, Rates> candidate = fieldRates(candidateMetrics);
            return new SliceTable("field", "precision", "recall", rows(champion, candidate));
        }
        List<EvalResults.CriterionCount> candidateCriteria = evalResults.criteria(candidateRun);
        if (!candidateCriteria.isEmpty()) {
            return new SliceTable("criterion", null, "pass rate",
                    rows(criterionRates(evalResults.criteria(championRun)), criterionRates(candidateCriteria)));
        }
        Map<String, Map<String, Integer>> confusion = evalResults.confusion(candidateRun);
        if (!confusion.isEmpty()) {
            return new SliceTable("label", "precision", "recall",
                    rows(labelRates(evalResults.confusion(championRun)), labelRates(confusion)));
        }
        return null;
    }

    private static List<SliceRow> rows(Map<String, Rates> champion, Map<String, Rates> candidate) {
        Set<String> names = new LinkedHashSet<>(candidate.keySet());
        names.addAll(champion.keySet());
        return names.stream().map(name -> new SliceRow(name, champion.get(name), candidate.get(name))).toList();
    }

    /** Precision = TP / predicted as the label, recall = TP / expected as it (its support). */
    static Map<String, Rates> labelRates(Map<String, Map<String, Integer>> confusion) {
        Map<String, Rates> rates = new LinkedHashMap<>();
        for (String label : labels(confusion)) {
            int truePositives = confusion.getOrDefault(label, Map.of()).getOrDefault(label, 0);
            int support = confusion.getOrDefault(label, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
            int predictedAs = confusion.values().stream().mapToInt(row -> row.getOrDefault(label, 0)).sum();
            rates.put(label, new Rates(support, Proportion.wilson95(truePositives, predictedAs),
                    Proportion.wilson95(truePositives, support)));
        }
        return rates;
    }

    /** A wrong value counts against both rates, a missing one against recall, an extra one against precision. */
    static Map<String, Rates> fieldRates(Map<String, Object> metrics) {
        Map<String, Rates> rates = new LinkedHashMap<>();
        if (metrics.get("fields") instanceof Map<?, ?> summary && summary.get("fields") instanceof List<?> fields) {
            for (Object entry : fields) {
                if (entry instanceof Map<?, ?> field) {
                    int correct = count(field.get("correct"));
                    int wrong = count(field.get("wrong"));
                    int missing = count(field.get("missing"));
                    int extra = count(field.get("extra"));
                    rates.put(String.valueOf(field.get("field")), new Rates(correct + wrong + missing,
                            Proportion.wilson95(correct, correct + wrong + extra),
                            Proportion.wilson95(correct, correct + wrong + missing)));
                }
            }
        }
        return rates;
    }

    static Map<String, Rates> criterionRates(List<EvalResults.CriterionCount> criteria) {
        Map<String, Rates> rates = new LinkedHashMap<>();
        for (EvalResults.CriterionCount criterion : criteria) {
            rates.put(criterion.criterion(), new Rates(criterion.judged(), null,
                    Proportion.wilson95(criterion.passed(), criterion.judged())));
        }
        return rates;
    }

    private static int count(Object value) {
        return value instanceof Number n ? n.intValue() : 0;
    }

    private List<Confusion> confusions(long championRun, long candidateRun) {
        List<Confusion> matrices = new ArrayList<>();
        Map<String, Map<String, Integer>> candidate = evalResults.confusion(candidateRun);
        if (!candidate.isEmpty()) {
            matrices.add(confusion("candidate", candidate));
            Map<String, Map<String, Integer>> champion = evalResults.confusion(championRun);
            if (!champion.isEmpty()) {
                matrices.add(confusion("champion", champion));
            }
        }
        return matrices;
    }

    static Confusion confusion(String role, Map<String, Map<String, Integer>> matrix) {
        List<String> labels = labels(matrix);
        List<List<Integer>> counts = labels.stream()
                .map(expected -> labels.stream()
                        .map(predicted -> matrix.getOrDefault(expected, Map.of()).getOrDefault(predicted, 0))
                        .toList())
                .toList();
        return new Confusion(role, labels, counts);
    }

    /** The expected labels in the matrix's order, then labels only ever predicted (an answer outside the set). */
    private static List<String> labels(Map<String, Map<String, Integer>> confusion) {
        Set<String> labels = new LinkedHashSet<>(confusion.keySet());
        confusion.values().forEach(row -> labels.addAll(row.keySet()));
        return List.copyOf(labels);
    }

    /** Each break-even value formatted, or "unknown: why" as the evaluate stage recorded it. */
    List<BreakEvenRow> breakEven(Map<String, Object> evidence) {
        if (!(evidence.get("breakEven") instanceof Map<?, ?> breakEven)) {
            return null;
        }
        Map<?, ?> unknown = breakEven.get("unknown") instanceof Map<?, ?> reasons ? reasons : Map.of();
        EvidenceFormat fmt = new EvidenceFormat(json);
        List<BreakEvenRow> rows = new ArrayList<>();
        Object basis = breakEven.get("trainingCostBasis");
        Object volumeSource = breakEven.get("volumeSource");
        row(rows, breakEven, unknown, "trainingCostUsd", "training cost",
                v -> fmt.usd(v) + (basis == null ? "" : " (" + basis + ")"));
        row(rows, breakEven, unknown, "championCostPerRequestUsd", "champion cost per request", fmt::usd);
        row(rows, breakEven, unknown, "candidateCostPerRequestUsd", "candidate cost per request", fmt::usd);
        row(rows, breakEven, unknown, "savingPerRequestUsd", "saving per request", fmt::usd);
        row(rows, breakEven, unknown, "monthlyRequests", "requests per month",
                v -> fmt.num(v, 0) + (volumeSource == null ? "" : " (" + volumeSource + ")"));
        row(rows, breakEven, unknown, "breakEvenRequests", "break-even after", v -> fmt.num(v, 0) + " requests");
        row(rows, breakEven, unknown, "paybackDays", "payback", v -> fmt.num(v, 1) + " days");
        row(rows, breakEven, unknown, "championLatencyP95Ms", "champion latency p95", v -> fmt.num(v, 1) + " ms");
        row(rows, breakEven, unknown, "candidateLatencyP95Ms", "candidate latency p95", v -> fmt.num(v, 1) + " ms");
        return rows;
    }

    private static void row(List<BreakEvenRow> rows, Map<?, ?> breakEven, Map<?, ?> unknown, String key,
                            String name, Function<Object, String> format) {
        Object value = breakEven.get(key);
        if (value != null) {
            rows.add(new BreakEvenRow(name, format.apply(value), true));
        } else {
            Object why = unknown.get(key);
            rows.add(new BreakEvenRow(name, why == null ? "unknown" : "unknown: " + why, false));
        }
    }

    private DatasetChange datasetChange(long datasetId, RunView run) {
        Optional<RunView.Evaluation> champion = run.evaluations() == null ? Optional.empty()
                : run.evaluations().stream().filter(e -> e.role().equals("CHAMPION")).findFirst();
        if (champion.isEmpty()) {
            return null;
        }
        ModelVersion model = models.get(champion.get().modelVersionId());
        if (model.datasetVersionId() == null) {
            return new DatasetChange(true, model.id(), model.name(), null, null);
        }
        DatasetVersion theirs = datasets.get(model.datasetVersionId());
        return new DatasetChange(false, model.id(), model.name(), theirs.version(),
                datasets.difference(datasetId, theirs.id(), DIFFERENCE_IDS));
    }

    /** The run's latest review before this one that asked for changes, if this review is a resubmission. */
    private Optional<Resubmission> resubmission(Approval approval, Map<String, Object> evidence) {
        return approvals.findByRun(approval.runId()).stream()
                .filter(a -> a.gateType().equals(approval.gateType()))
                .filter(a -> a.status() == Approval.Status.CHANGES_REQUESTED)
                .filter(a -> a.createdAt().isBefore(approval.createdAt()))
                .reduce((first, second) -> second)
                .map(earlier -> new Resubmission(earlier, EvidenceDiff.between(read(earlier.evidence()), evidence)));
    }

    private Map<String, Object> read(String text) {
        try {
            return json.readValue(text, OBJECT);
        } catch (IOException e) {
            throw new IllegalStateException("an approval holds invalid JSON", e);
        }
    }
}
