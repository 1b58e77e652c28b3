package org.hybridllm.lifecycle.dataset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.hybridllm.lifecycle.feedback.FeedbackRepository.IdealOutput;

/**
 * The dataset pipeline, free of I/O: scrub PII, de-duplicate (case- and whitespace-insensitive; the latest
 * feedback wins), drop examples with unknown labels, and split stratified by label with a fixed seed.
 */
public final class DatasetBuilder {

    public record Example(long feedbackId, String input, String label) {
    }

    public record Split(List<Example> train, List<Example> validation, List<Example> test, int candidates,
                        int duplicatesRemoved, int unknownLabelsDropped, int piiItemsScrubbed,
                        Map<String, Integer> labelDistribution) {
        public int total() {
            return train.size() + validation.size() + test.size();
        }
    }

    private final PiiScrubber scrubber = new PiiScrubber();
    private final double validationShare;
    private final double testShare;

    public DatasetBuilder(double validationShare, double testShare) {
        if (validationShare < 0 || testShare <= 0 || validationShare + testShare >= 1) {
            throw new IllegalArgumentException("validation and test shares must leave room for training");
        }
        this.validationShare = validationShare;
        this.testShare = testShare;
    }

    public Split build(List<IdealOutput> candidates, List<String> labels, long seed) {
        int pii = 0;
        int unknown = 0;
        Map<String, Example> byNormalisedInput = new LinkedHashMap<>();
        for (IdealOutput candidate : candidates) {
            if (!labels.contains(candidate.idealOutput())) {
                unknown++;
                continue;
            }
            PiiScrubber.Scrubbed scrubbed = scrubber.scrub(candidate.input());
            pii += scrubbed.items();
            String key = normalise(scrubbed.text());
            byNormalisedInput.remove(key); // the latest feedback on a repeated input wins, in its position
            byNormalisedInput.put(key, new Example(candidate.feedbackId(), scrubbed.text().strip(),
                    candidate.idealOutput()));
        }
        int kept = byNormalisedInput.size();
        int duplicates = candidates.size() - unknown - kept;

        Map<String, List<Example>> byLabel = new TreeMap<>();
        for (Example example : byNormalisedInput.values()) {
            byLabel.computeIfAbsent(example.label(), k -> new ArrayList<>()).add(example);
        }
        Random random = new Random(seed);
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        Map<String, Integer> distribution = new TreeMap<>();
        for (Map.Entry<String, List<Example>> entry : byLabel.entrySet()) {
            List<Example> examples = new ArrayList<>(entry.getValue());
            examples.sort(Comparator.comparingLong(Example::feedbackId));
            java.util.Collections.shuffle(examples, random);
            int n = examples.size();
            int testCount = (int) Math.round(n * testShare);
            int validationCount = (int) Math.round(n * validationShare);
            test.addAll(examples.subList(0, testCount));
            validation.addAll(examples.subList(testCount, testCount + validationCount));
            train.addAll(examples.subList(testCount + validationCount, n));
            distribution.put(entry.getKey(), n);
        }
        return new Split(train, validation, test, candidates.size(), duplicates, unknown, pii, distribution);
    }

    static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
