package org.hybridllm.lifecycle.bench;

import java.util.Arrays;
import java.util.List;

/** min / median / max over the repetitions of one metric. */
record Summary(String benchmark, String metric, String unit, boolean higherIsBetter, double[] values,
               double[] baselines, double[] ratios, double[] differences) {

    static Summary of(List<Measurement> repetitions) {
        Measurement first = repetitions.getFirst();
        return new Summary(first.benchmark(), first.metric(), first.unit(), first.higherIsBetter(),
                sorted(repetitions.stream().mapToDouble(Measurement::value).toArray()),
                sorted(repetitions.stream().mapToDouble(Measurement::baseline).toArray()),
                sorted(repetitions.stream().mapToDouble(Measurement::ratio).toArray()),
                sorted(repetitions.stream().mapToDouble(m -> m.value() - m.baseline()).toArray()));
    }

    double medianValue() {
        return median(values);
    }

    double medianRatio() {
        return median(ratios);
    }

    /** value − baseline (e.g. the latency a layer adds). */
    double medianDifference() {
        return median(differences);
    }

    static String range(double[] sorted, String format) {
        if (Double.isNaN(sorted[0])) {
            return "–"; // no ratio to a zero baseline
        }
        if (sorted.length == 1) {
            return String.format(format, sorted[0]);
        }
        return String.format(format + " / " + format + " / " + format, sorted[0], median(sorted),
                sorted[sorted.length - 1]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
