package org.hybridllm.lifecycle.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accuracy, macro-F1 and per-label precision / recall / F1 of predictions against expected labels. */
public record ClassificationMetrics(int examples, double accuracy, double macroF1, List<LabelMetrics> perLabel,
                                    Map<String, Map<String, Integer>> confusion) {

    public record LabelMetrics(String label, double precision, double recall, double f1, int support) {
    }

    public static ClassificationMetrics of(List<String> labels, List<String> expected, List<String> predicted) {
        if (expected.size() != predicted.size()) {
            throw new IllegalArgumentException("expected and predicted differ in length");
        }
        Map<String, Map<String, Integer>> confusion = new LinkedHashMap<>();
        for (String label : labels) {
            confusion.put(label, new LinkedHashMap<>());
        }
        int correct = 0;
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i).equals(predicted.get(i))) {
                correct++;
            }
            confusion.computeIfAbsent(expected.get(i), k -> new LinkedHashMap<>())
                    .merge(predicted.get(i), 1, Integer::sum);
        }
        List<LabelMetrics> perLabel = new ArrayList<>();
        double f1Sum = 0;
        for (String label : labels) {
            int truePositives = 0;
            int predictedAs = 0;
            int support = 0;
            for (int i = 0; i < expected.size(); i++) {
                boolean isExpected = expected.get(i).equals(label);
                boolean isPredicted = predicted.get(i).equals(label);
                if (isExpected) {
                    support++;
                }
                if (isPredicted) {
                    predictedAs++;
                }
                if (isExpected && isPredicted) {
                    truePositives++;
                }
            }
            double precision = predictedAs == 0 ? 0 : (double) truePositives / predictedAs;
            double recall = support == 0 ? 0 : (double) truePositives / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perLabel.add(new LabelMetrics(label, precision, recall, f1, support));
            f1Sum += f1;
        }
        double accuracy = expected.isEmpty() ? 0 : (double) correct / expected.size();
        double macroF1 = labels.isEmpty() ? 0 : f1Sum / labels.size();
        return new ClassificationMetrics(expected.size(), accuracy, macroF1, perLabel, confusion);
    }
}
