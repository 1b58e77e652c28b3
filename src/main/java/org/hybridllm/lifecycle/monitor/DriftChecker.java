package org.hybridllm.lifecycle.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hybridllm.lifecycle.dataset.DatasetRepository;
import org.hybridllm.lifecycle.dataset.DatasetVersion;
import org.hybridllm.lifecycle.evaluate.UseCaseScorers;
import org.hybridllm.lifecycle.feedback.TrafficWindows;
import org.hybridllm.lifecycle.feedback.TrafficWindows.Call;
import org.hybridllm.lifecycle.feedback.TrafficWindows.FeedbackTotals;
import org.hybridllm.lifecycle.feedback.TrafficWindows.Judged;
import org.hybridllm.lifecycle.feedback.TrafficWindows.Totals;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.JsonSchemaContract;
import org.hybridllm.lifecycle.scoring.ScoredExample;
import org.hybridllm.lifecycle.scoring.Scorer;
import org.hybridllm.lifecycle.scoring.TextEmbedder;
import org.hybridllm.lifecycle.scoring.Verdict;
import org.hybridllm.lifecycle.statistics.Proportion;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.springframework.stereotype.Component;

/**
 * Computes the signals of one window of a use case's traffic against its references (README, "Monitoring"):
 * live quality and latency/cost against the traffic of the reference window before it; input and output drift
 * against the champion's training split (its inputs, its ideal outputs, its label distribution), or the use
 * case's evaluation set when the champion was not fine-tuned.
 */
@Component
class DriftChecker {

    static final String OTHER_LABEL = "(not a label)";
    private static final int REFERENCE_CACHE = 32;

    private final TrafficWindows traffic;
    private final DatasetRepository datasets;
    private final UseCaseRepository useCases;
    private final UseCaseScorers scorers;
    private final TextEmbedder embedder;
    private final MonitorProperties properties;
    private final ObjectMapper json;
    /** The champion's training reference (inputs embedded): computed once per model version. */
    private final Map<Long, Reference> references = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Reference> eldest) {
            return size() > REFERENCE_CACHE;
        }
    };

    DriftChecker(TrafficWindows traffic, DatasetRepository datasets, UseCaseRepository useCases,
                 UseCaseScorers scorers, TextEmbedder embedder, MonitorProperties properties, ObjectMapper json) {
        this.traffic = traffic;
        this.datasets = datasets;
        this.useCases = useCases;
        this.scorers = scorers;
        this.embedder = embedder;
        this.properties = properties;
        this.json = json;
    }

    /** @param source where the reference comes from: {@code training-split} (dataset id) or {@code eval-set} */
    record Reference(String source, Long datasetVersionId, List<String> inputs, List<float[]> embeddings,
                     List<String> idealOutputs, Map<String, Integer> labelDistribution) {
    }

    /** What a check found: the window's size, the rows it read, and every signal. */
    record Result(long interactions, int sampled, boolean evaluated, List<Signal> signals) {

        boolean tripped() {
            return signals.stream().anyMatch(Signal::tripped);
        }
    }

    Result check(UseCase useCase, ModelVersion champion, Instant from, Instant to) {
        Totals totals = traffic.totals(useCase.id(), from, to);
        List<Signal> signals = new ArrayList<>();
        if (totals.interactions() < properties.minInteractions()) {
            signals.add(Signal.noData("traffic", "traffic", totals.interactions() + " calls in the window, fewer "
                    + "than " + properties.minInteractions() + " (lifecycle.monitor.min-interactions): not "
                    + "evaluated, the next check covers them too"));
            return new Result(totals.interactions(), 0, false, signals);
        }
        Instant referenceFrom = from.minus(properties.referenceWindow());
        Totals referenceTotals = traffic.totals(useCase.id(), referenceFrom, from);
        List<Call> sample = traffic.sample(useCase.id(), from, to, totals.interactions(), properties.sampleSize());
        List<Call> referenceSample = traffic.sample(useCase.id(), referenceFrom, from,
                referenceTotals.interactions(), properties.sampleSize());
        Reference reference = reference(useCase, champion);

        signals.addAll(quality(useCase, from, to, referenceFrom));
        signals.addAll(inputDrift(sample, reference));
        signals.addAll(outputDrift(useCase, from, to, sample, reference));
        signals.add(latency(sample, referenceSample));
        signals.add(cost(totals, referenceTotals));
        return new Result(totals.interactions(), sample.size() + referenceSample.size(), true, signals);
    }

    // ---- live quality ----------------------------------------------------------------------------------------

    private List<Signal> quality(UseCase useCase, Instant from, Instant to, Instant referenceFrom) {
        FeedbackTotals now = traffic.feedbackTotals(useCase.id(), from, to);
        FeedbackTotals before = traffic.feedbackTotals(useCase.id(), referenceFrom, from);
        List<Signal> signals = new ArrayList<>();
        signals.add(rateAbove("quality.negative-rating-rate", now.negativeRatings(), now.ratings(),
                before.negativeRatings(), before.ratings(), "ratings of -1 among ratings"));
        signals.add(rateAbove("quality.correction-rate", now.corrections(), now.feedback(), before.corrections(),
                before.feedback(), "feedback rows with a corrected output"));
        signals.addAll(scorerPassRates(useCase, from, to, referenceFrom));
        return signals;
    }

    /** A rate that trips when its 95 % Wilson lower bound lies above the reference rate + the margin. */
    private Signal rateAbove(String name, long hits, long trials, long referenceHits, long referenceTrials,
                             String what) {
        if (trials < properties.minimumFeedback() || referenceTrials < properties.minimumFeedback()) {
            return Signal.noData(name, "quality", trials + " in the window, " + referenceTrials + " in the "
                    + "reference window (" + what + "); at least " + properties.minimumFeedback() + " each needed");
        }
        Proportion current = Proportion.wilson95((int) hits, (int) trials);
        Proportion reference = Proportion.wilson95((int) referenceHits, (int) referenceTrials);
        double threshold = reference.value() + properties.rateMargin();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ci", List.of(current.low(), current.high()));
        details.put("referenceCi", List.of(reference.low(), reference.high()));
        details.put("hits", hits);
        details.put("referenceHits", referenceHits);
        details.put("referenceN", referenceTrials);
        return new Signal(name, "quality", current.value(), reference.value(), threshold,
                "95 % Wilson lower bound > reference + " + properties.rateMargin(), current.low() > threshold,
                trials, what, details);
    }

    /** Each of the use case's scorers on feedback that carries an ideal output, against the reference window. */
    private List<Signal> scorerPassRates(UseCase useCase, Instant from, Instant to, Instant referenceFrom) {
        List<Judged> now = traffic.judgedSample(useCase.id(), from, to, properties.feedbackSample());
        List<Judged> before = traffic.judgedSample(useCase.id(), referenceFrom, from, properties.feedbackSample());
        if (now.size() < properties.minimumFeedback() || before.size() < properties.minimumFeedback()) {
            return List.of(Signal.noData("quality.scorers", "quality", now.size() + " feedback rows with an ideal "
                    + "output in the window, " + before.size() + " in the reference window; at least "
                    + properties.minimumFeedback() + " each needed"));
        }
        List<Signal> signals = new ArrayList<>();
        for (Scorer scorer : scorers.forLiveFeedback(useCase.contract())) {
            int passed = passes(scorer, now);
            int referencePassed = passes(scorer, before);
            Proportion current = Proportion.wilson95(passed, now.size());
            Proportion reference = Proportion.wilson95(referencePassed, before.size());
            double threshold = reference.value() - properties.scorerMargin();
            signals.add(new Signal("quality.scorer." + scorer.name(), "quality", current.value(), reference.value(),
                    threshold, "95 % Wilson upper bound < reference − " + properties.scorerMargin(),
                    current.high() < threshold, (long) now.size(), "pass rate of the served output against the "
                    + "ideal output (correction, or the output when rated good)",
                    Map.of("ci", List.of(current.low(), current.high()), "referenceN", before.size())));
        }
        return signals;
    }

    private static int passes(Scorer scorer, List<Judged> rows) {
        int passed = 0;
        for (Judged row : rows) {
            Verdict verdict = scorer.score(new ScoredExample(row.input(), row.ideal(), row.output()));
            passed += verdict.passed() ? 1 : 0;
        }
        return passed;
    }

    // ---- input drift -----------------------------------------------------------------------------------------

    private List<Signal> inputDrift(List<Call> sample, Reference reference) {
        int cap = properties.embeddingSample();
        List<String> inputs = new ArrayList<>();
        for (Call call : sample) {
            if (inputs.size() == cap) {
                break;
            }
            inputs.add(call.input());
        }
        if (inputs.size() < 10 || reference.embeddings().size() < 10) {
            return List.of(Signal.noData("input.mmd", "input", inputs.size() + " window inputs, "
                    + reference.embeddings().size() + " reference inputs; at least 10 each needed"));
        }
        List<float[]> current = inputs.stream().map(embedder::vector).toList();
        double distance = DriftStatistics.centroidCosineDistance(current, reference.embeddings());
        DriftStatistics.Mmd mmd = DriftStatistics.mmd(current, reference.embeddings(), properties.permutations(),
                properties.seed());
        Map<String, Object> about = Map.of("reference", reference.source(), "referenceN",
                reference.embeddings().size(), "model", "all-MiniLM-L6-v2 (quantized), L2-normalised");
        Signal centroid = new Signal("input.centroid-cosine-distance", "input", distance, 0.0,
                properties.inputDistance(), "distance > threshold and MMD p < " + properties.alpha(),
                distance > properties.inputDistance() && mmd.pValue() < properties.alpha(), (long) current.size(),
                "1 − cosine of the mean embeddings of the window's and the reference's inputs", about);
        Map<String, Object> details = new LinkedHashMap<>(about);
        details.put("pValue", mmd.pValue());
        details.put("permutations", mmd.permutations());
        details.put("seed", properties.seed());
        details.put("bandwidth", mmd.bandwidth());
        details.put("centroidDistance", distance);
        Signal test = new Signal("input.mmd", "input", mmd.mmd2(), 0.0, properties.alpha(),
                "permutation p-value < " + properties.alpha() + " and centroid distance > "
                        + properties.inputDistance(),
                mmd.pValue() < properties.alpha() && distance > properties.inputDistance(), (long) current.size(),
                "unbiased MMD² (Gaussian kernel, median-distance bandwidth) of the window's inputs against the "
                        + "reference's; the threshold is on its p-value", details);
        return List.of(centroid, test);
    }

    // ---- output drift ----------------------------------------------------------------------------------------

    private List<Signal> outputDrift(UseCase useCase, Instant from, Instant to, List<Call> sample,
                                     Reference reference) {
        return switch (useCase.task()) {
            case CLASSIFICATION -> List.of(labelShift(useCase, traffic.outputCounts(useCase.id(), from, to),
                    reference));
            case EXTRACTION -> extractionSignals(useCase, sample, reference);
            case GENERATION -> generationSignals(useCase, sample, reference);
        };
    }

    /** PSI and chi-square of the window's label mix (every call, counted in SQL) against the training split's. */
    Signal labelShift(UseCase useCase, Map<String, Long> outputs, Reference reference) {
        if (reference.labelDistribution().isEmpty()) {
            return Signal.noData("output.label-psi", "output", "no reference label distribution");
        }
        List<String> bins = new ArrayList<>(useCase.labelNames());
        for (String label : reference.labelDistribution().keySet()) {
            if (!bins.contains(label)) {
                bins.add(label);
            }
        }
        bins.add(OTHER_LABEL);
        double[] expected = new double[bins.size()];
        long[] observed = new long[bins.size()];
        for (int i = 0; i < bins.size(); i++) {
            expected[i] = reference.labelDistribution().getOrDefault(bins.get(i), 0);
        }
        long total = 0;
        for (Map.Entry<String, Long> entry : outputs.entrySet()) {
            int bin = bins.indexOf(entry.getKey().strip());
            observed[bin < 0 ? bins.size() - 1 : bin] += entry.getValue();
            total += entry.getValue();
        }
        double[] observedShares = new double[observed.length];
        for (int i = 0; i < observed.length; i++) {
            observedShares[i] = observed[i];
        }
        double psi = DriftStatistics.psi(expected, observedShares);
        DriftStatistics.ChiSquare chi = DriftStatistics.chiSquare(expected, observed);
        Map<String, Object> current = new LinkedHashMap<>();
        Map<String, Object> before = new LinkedHashMap<>();
        for (int i = 0; i < bins.size(); i++) {
            current.put(bins.get(i), observed[i]);
            before.put(bins.get(i), (long) expected[i]);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("chiSquare", chi.statistic());
        details.put("degreesOfFreedom", chi.degreesOfFreedom());
        details.put("pValue", chi.pValue());
        details.put("distribution", current);
        details.put("referenceDistribution", before);
        details.put("reference", reference.source());
        return new Signal("output.label-psi", "output", psi, 0.0, properties.psi(),
                "PSI > " + properties.psi() + " and chi-square p < " + properties.alpha(),
                psi > properties.psi() && chi.pValue() < properties.alpha(), total,
                "population stability index of the served labels against the training split's", details);
    }

    private List<Signal> extractionSignals(UseCase useCase, List<Call> sample, Reference reference) {
        JsonNode schema = useCase.contract().outputSchema();
        if (schema == null || sample.isEmpty()) {
            return List.of(Signal.noData("output.schema-failure-rate", "output", "no schema or no calls"));
        }
        JsonSchemaContract contract = JsonSchemaContract.of(schema);
        List<String> fields = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(fields::add);
        Shape now = shape(contract, fields, sample.stream().map(Call::output).toList());
        Shape before = shape(contract, fields, reference.idealOutputs());
        List<Signal> signals = new ArrayList<>();
        Proportion failures = Proportion.wilson95(now.failures, now.rows);
        double referenceRate = before.rows == 0 ? 0 : (double) before.failures / before.rows;
        double threshold = referenceRate + properties.schemaFailureMargin();
        signals.add(new Signal("output.schema-failure-rate", "output", failures.value(), referenceRate, threshold,
                "95 % Wilson lower bound > reference + " + properties.schemaFailureMargin(),
                failures.low() > threshold, (long) now.rows, "outputs that are not JSON satisfying the schema",
                Map.of("ci", List.of(failures.low(), failures.high()), "reference", reference.source())));
        for (String field : fields) {
            if (now.valid == 0 || before.valid == 0) {
                continue;
            }
            Proportion nulls = Proportion.wilson95(now.nulls.getOrDefault(field, 0), now.valid);
            double ref = (double) before.nulls.getOrDefault(field, 0) / before.valid;
            double margin = properties.nullRateMargin();
            boolean tripped = nulls.low() > ref + margin || nulls.high() < ref - margin;
            signals.add(new Signal("output.null-rate." + field, "output", nulls.value(), ref, margin,
                    "95 % Wilson interval wholly beyond reference ± " + margin, tripped, (long) now.valid,
                    "valid outputs where the field is absent or null",
                    Map.of("ci", List.of(nulls.low(), nulls.high()), "referenceN", before.valid)));
        }
        return signals;
    }

    private static final class Shape {
        int rows;
        int failures;
        int valid;
        final Map<String, Integer> nulls = new LinkedHashMap<>();
    }

    private Shape shape(JsonSchemaContract contract, List<String> fields, List<String> outputs) {
        Shape shape = new Shape();
        for (String output : outputs) {
            shape.rows++;
            JsonNode node;
            try {
                node = output == null ? null : json.readTree(output);
            } catch (Exception notJson) {
                node = null;
            }
            if (node == null || !node.isObject() || !contract.accepts(node)) {
                shape.failures++;
                continue;
            }
            shape.valid++;
            for (String field : fields) {
                if (node.path(field).isMissingNode() || node.path(field).isNull()) {
                    shape.nulls.merge(field, 1, Integer::sum);
                }
            }
        }
        return shape;
    }

    private List<Signal> generationSignals(UseCase useCase, List<Call> sample, Reference reference) {
        List<Signal> signals = new ArrayList<>();
        List<Integer> referenceLengths = reference.idealOutputs().stream().map(o -> o == null ? 0 : o.length())
                .toList();
        if (sample.isEmpty() || referenceLengths.size() < 10) {
            signals.add(Signal.noData("output.length-psi", "output", "fewer than 10 reference outputs"));
        } else {
            double[] edges = decileEdges(referenceLengths);
            double[] expected = histogram(referenceLengths, edges);
            double[] actual = histogram(sample.stream().map(c -> c.output() == null ? 0 : c.output().length())
                    .toList(), edges);
            double psi = DriftStatistics.psi(expected, actual);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("meanLength", sample.stream().mapToInt(c -> c.output() == null ? 0 : c.output().length())
                    .average().orElse(0));
            details.put("referenceMeanLength", referenceLengths.stream().mapToInt(Integer::intValue).average()
                    .orElse(0));
            details.put("binEdges", edges);
            details.put("reference", reference.source());
            signals.add(new Signal("output.length-psi", "output", psi, 0.0, properties.psi(),
                    "PSI > " + properties.psi(), psi > properties.psi(), (long) sample.size(),
                    "PSI of the reply lengths (characters) over the reference's deciles", details));
        }
        // the rubric pass rate needs a judge; without one the contract has no llm-rubric scorer
        Optional<Scorer> rubric = scorers.forLiveFeedback(useCase.contract()).stream()
                .filter(s -> s.type().equals(UseCaseScorers.LLM_RUBRIC)).findFirst();
        if (rubric.isEmpty()) {
            signals.add(Signal.noData("output.rubric-pass-rate", "output", "no judge configured"));
        } else {
            List<Call> judged = sample.subList(0, Math.min(sample.size(), properties.feedbackSample() / 4));
            List<String> referenceOutputs = reference.idealOutputs().subList(0,
                    Math.min(reference.idealOutputs().size(), judged.size()));
            int passed = 0;
            for (Call call : judged) {
                passed += rubric.get().score(new ScoredExample(call.input(), null, call.output())).passed() ? 1 : 0;
            }
            int referencePassed = 0;
            for (int i = 0; i < referenceOutputs.size(); i++) {
                referencePassed += rubric.get().score(new ScoredExample(reference.inputs().get(i), null,
                        referenceOutputs.get(i))).passed() ? 1 : 0;
            }
            Proportion current = Proportion.wilson95(passed, judged.size());
            double ref = referenceOutputs.isEmpty() ? Double.NaN : (double) referencePassed / referenceOutputs.size();
            if (current == null || Double.isNaN(ref)) {
                signals.add(Signal.noData("output.rubric-pass-rate", "output", "nothing to judge"));
            } else {
                double threshold = ref - properties.scorerMargin();
                signals.add(new Signal("output.rubric-pass-rate", "output", current.value(), ref, threshold,
                        "95 % Wilson upper bound < reference − " + properties.scorerMargin(),
                        current.high() < threshold, (long) judged.size(), "the judge's rubric verdicts on served "
                        + "replies against those on the reference's ideal replies",
                        Map.of("ci", List.of(current.low(), current.high()))));
            }
        }
        return signals;
    }

    static double[] decileEdges(List<Integer> values) {
        double[] sorted = values.stream().mapToDouble(Integer::doubleValue).sorted().toArray();
        Set<Double> edges = new LinkedHashSet<>();
        for (int d = 1; d < 10; d++) {
            edges.add(DriftStatistics.percentile(sorted, d / 10.0));
        }
        return edges.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Counts per bin: bin i holds values ≤ edges[i] (and above edges[i-1]); the last bin what is above all. */
    static double[] histogram(List<Integer> values, double[] edges) {
        double[] counts = new double[edges.length + 1];
        for (int value : values) {
            int bin = 0;
            while (bin < edges.length && value > edges[bin]) {
                bin++;
            }
            counts[bin]++;
        }
        return counts;
    }

    // ---- latency and cost ------------------------------------------------------------------------------------

    private Signal latency(List<Call> sample, List<Call> referenceSample) {
        double[] now = sample.stream().filter(c -> c.latencyMs() != null).mapToDouble(Call::latencyMs).toArray();
        double[] before = referenceSample.stream().filter(c -> c.latencyMs() != null).mapToDouble(Call::latencyMs)
                .toArray();
        if (now.length < 10 || before.length < 10) {
            return Signal.noData("latency.p95-ms", "latency", now.length + " timed calls in the window, "
                    + before.length + " in the reference window; at least 10 each needed");
        }
        double p95 = DriftStatistics.percentile(now, 0.95);
        double reference = DriftStatistics.percentile(before, 0.95);
        double threshold = reference * (1 + properties.latencyMargin()) + properties.latencySlackMs();
        return new Signal("latency.p95-ms", "latency", p95, reference, threshold,
                "p95 > reference × " + (1 + properties.latencyMargin()) + " + " + properties.latencySlackMs() + " ms",
                p95 > threshold, (long) now.length, "nearest-rank p95 of the sampled calls' latency",
                Map.of("referenceN", before.length));
    }

    private Signal cost(Totals now, Totals before) {
        if (now.meanCostUsd() == null || before.meanCostUsd() == null) {
            return Signal.noData("cost.per-call-usd", "cost", "calls not priced in the window or the reference");
        }
        double threshold = before.meanCostUsd() * (1 + properties.costMargin()) + properties.costSlackUsd();
        return new Signal("cost.per-call-usd", "cost", now.meanCostUsd(), before.meanCostUsd(), threshold,
                "mean > reference × " + (1 + properties.costMargin()) + " + " + properties.costSlackUsd() + " USD",
                now.meanCostUsd() > threshold, now.priced(), "mean cost of every priced call of the window",
                Map.of("referenceN", before.priced()));
    }

    // ---- the reference ---------------------------------------------------------------------------------------

    Reference reference(UseCase useCase, ModelVersion champion) {
        synchronized (references) {
            Reference cached = references.get(champion.id());
            if (cached != null) {
                return cached;
            }
        }
        Reference reference = loadReference(useCase, champion);
        synchronized (references) {
            references.put(champion.id(), reference);
        }
        return reference;
    }

    private Reference loadReference(UseCase useCase, ModelVersion champion) {
        int cap = Math.max(properties.embeddingSample(), properties.feedbackSample());
        Optional<DatasetVersion> dataset = champion.datasetVersionId() == null ? Optional.empty()
                : datasets.findById(champion.datasetVersionId());
        List<String> inputs = new ArrayList<>();
        List<String> ideals = new ArrayList<>();
        Map<String, Integer> labels;
        String source;
        if (dataset.isPresent()) {
            for (Judged row : traffic.examplesOf(datasets.feedbackIds(dataset.get().id(), "train"), cap)) {
                inputs.add(row.input());
                ideals.add(row.ideal());
            }
            labels = dataset.get().labelDistribution() == null ? Map.of() : dataset.get().labelDistribution();
            source = "training-split";
        } else {
            labels = new LinkedHashMap<>();
            for (UseCaseRepository.EvalExample example : useCases.evalSet(useCase.id())) {
                if (inputs.size() < cap) {
                    inputs.add(example.input());
                    ideals.add(example.expected());
                }
                labels.merge(example.expected(), 1, Integer::sum);
            }
            source = "eval-set";
        }
        if (useCase.task() != TaskKind.CLASSIFICATION) {
            labels = Map.of();
        }
        List<String> embedded = inputs.subList(0, Math.min(inputs.size(), properties.embeddingSample()));
        List<float[]> embeddings = embedded.stream().map(embedder::vector).toList();
        return new Reference(source, dataset.map(DatasetVersion::id).orElse(null), inputs, embeddings, ideals,
                labels);
    }
}
