package org.hybridllm.lifecycle.scoring;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** One spec's parameters, read with the checks that name the field at fault ({@code scorers[2].pattern}). */
final class ScorerParams {

    private final ScorerSpec spec;
    private final String path;

    ScorerParams(ScorerSpec spec, int index) {
        this.spec = spec;
        this.path = "scorers[" + index + "]";
    }

    String name() {
        return spec.name();
    }

    String type() {
        return spec.type();
    }

    /** The spec itself, for refusals that are about the scorer rather than one parameter. */
    String path() {
        return path;
    }

    String field(String key) {
        return path + "." + key;
    }

    InvalidScorerSpec invalid(String key, String reason) {
        return new InvalidScorerSpec(field(key), reason);
    }

    void allowOnly(String... keys) {
        List<String> allowed = Arrays.asList(keys);
        for (String key : spec.params().keySet()) {
            if (!allowed.contains(key)) {
                throw invalid(key, "not a parameter of " + spec.type()
                        + (allowed.isEmpty() ? ", which takes none" : "; it takes " + String.join(", ", allowed)));
            }
        }
    }

    Optional<String> text(String key) {
        Object value = spec.params().get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw invalid(key, "must be a string");
        }
        return Optional.of(text);
    }

    String requiredText(String key) {
        String text = text(key).orElseThrow(() -> invalid(key, "is required for " + spec.type()));
        if (text.isEmpty()) {
            throw invalid(key, "must not be empty");
        }
        return text;
    }

    boolean flag(String key, boolean fallback) {
        Object value = spec.params().get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean flag)) {
            throw invalid(key, "must be true or false");
        }
        return flag;
    }

    Optional<Double> number(String key, double min, double max) {
        Object value = spec.params().get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            throw invalid(key, "must be a number");
        }
        double d = number.doubleValue();
        if (d < min || d > max) {
            throw invalid(key, "must be between " + BaseScorer.format(min) + " and " + BaseScorer.format(max));
        }
        return Optional.of(d);
    }

    double requiredNumber(String key, double min, double max) {
        return number(key, min, max).orElseThrow(() -> invalid(key, "is required for " + spec.type()));
    }

    Optional<Object> raw(String key) {
        return Optional.ofNullable(spec.params().get(key));
    }
}
