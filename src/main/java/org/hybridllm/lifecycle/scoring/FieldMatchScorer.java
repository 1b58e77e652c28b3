package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares an extracted record with the expected one field by field, each by its {@link FieldRule}. The fields
 * are the use case's field rules, then the output schema's top-level properties that no rule covers (compared
 * exactly), or, with neither, every top-level field either record has. Value: the share of fields right
 * (matched or rightly absent); passed: every field right (a strict record match). Details carry each field's
 * {@link FieldOutcome}, for {@link FieldMatchSummary}.
 */
final class FieldMatchScorer extends BaseScorer {

    static final String TYPE = "field-match";
    private static final int VALUE_QUOTE = 40;

    private final Map<String, FieldRule> rules;

    FieldMatchScorer(String name, Map<String, FieldRule> rules) {
        super(name, TYPE);
        this.rules = rules;
    }

    static FieldMatchScorer from(ScorerParams params, ScoringContext context) {
        params.allowOnly();
        Map<String, FieldRule> rules = new LinkedHashMap<>();
        context.fieldRules().forEach((field, rule) -> rules.put(field, checked(field, rule)));
        JsonNode properties = context.outputSchema() == null ? null : context.outputSchema().get("properties");
        if (properties != null && properties.isObject()) {
            for (Iterator<String> names = properties.fieldNames(); names.hasNext(); ) {
                String property = names.next();
                boolean covered = rules.keySet().stream()
                        .anyMatch(field -> field.equals(property) || field.startsWith(property + "."));
                if (!covered) {
                    rules.put(property, FieldRule.exact());
                }
            }
        }
        return new FieldMatchScorer(params.name(), Collections.unmodifiableMap(rules));
    }

    private static FieldRule checked(String field, FieldRule rule) {
        if (rule == null) {
            throw new InvalidScorerSpec("fieldRules." + field, "no rule given");
        }
        if (!FieldRule.MATCHES.contains(rule.match())) {
            throw new InvalidScorerSpec("fieldRules." + field + ".match",
                    "unknown match " + quote(rule.match()) + "; one of " + String.join(", ", FieldRule.MATCHES));
        }
        if (rule.tolerance() != null && (!Double.isFinite(rule.tolerance()) || rule.tolerance() < 0)) {
            throw new InvalidScorerSpec("fieldRules." + field + ".tolerance", "must be a number of at least 0");
        }
        return rule;
    }

    @Override
    public Verdict score(ScoredExample example) {
        if (example.expected() == null) {
            return unmeasured("no expected record to compare with");
        }
        JsonNode expected;
        try {
            expected = JsonText.parse(example.expected());
        } catch (JsonProcessingException e) {
            expected = null;
        }
        if (expected == null || !expected.isObject()) {
            return unmeasured("the expected output is not a JSON object, so there are no fields to compare");
        }
        JsonNode output = null;
        String outputProblem = null;
        try {
            output = JsonText.parse(example.output());
            if (!output.isObject()) {
                outputProblem = "output is JSON but not an object";
                output = null;
            }
        } catch (JsonProcessingException e) {
            outputProblem = "output is not JSON: " + JsonText.problem(e);
        }
        return compare(expected, output, outputProblem);
    }

    private Verdict compare(JsonNode expected, JsonNode output, String outputProblem) {
        Map<String, Object> fields = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> criticalMisses = new ArrayList<>();
        int right = 0;
        Map<String, FieldRule> compared = fieldsOf(expected, output);
        for (Map.Entry<String, FieldRule> field : compared.entrySet()) {
            String name = field.getKey();
            FieldRule rule = field.getValue();
            JsonNode want = FieldValues.at(expected, name);
            JsonNode got = FieldValues.at(output, name);
            FieldOutcome outcome = outcome(rule, want, got);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("outcome", outcome.label());
            detail.put("match", rule.match());
            detail.put("critical", rule.critical());
            detail.put("expected", FieldValues.absent(want) ? null : FieldValues.text(want));
            detail.put("actual", FieldValues.absent(got) ? null : FieldValues.text(got));
            fields.put(name, detail);
            switch (outcome) {
                case MATCH, ABSENT_BOTH -> right++;
                case WRONG -> wrong.add(name + " (expected " + quote(FieldValues.text(want), VALUE_QUOTE)
                        + ", got " + quote(FieldValues.text(got), VALUE_QUOTE) + ")");
                case MISSING -> missing.add(name);
                case EXTRA -> extra.add(name + " (" + quote(FieldValues.text(got), VALUE_QUOTE) + ")");
            }
            if (rule.critical() && !outcome.right()) {
                criticalMisses.add(name);
            }
        }
        int total = compared.size();
        boolean strictMatch = outputProblem == null && right == total;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("fields", fields);
        details.put("right", right);
        details.put("total", total);
        details.put("criticalMisses", criticalMisses);
        if (outputProblem != null) {
            details.put("outputProblem", outputProblem);
        }
        return verdict(total == 0 ? 1.0 : (double) right / total, strictMatch,
                explanation(right, total, wrong, missing, extra, criticalMisses, outputProblem), details);
    }

    private Map<String, FieldRule> fieldsOf(JsonNode expected, JsonNode output) {
        if (!rules.isEmpty()) {
            return rules;
        }
        Set<String> names = new LinkedHashSet<>();
        expected.fieldNames().forEachRemaining(names::add);
        if (output != null) {
            output.fieldNames().forEachRemaining(names::add);
        }
        Map<String, FieldRule> exact = new LinkedHashMap<>();
        names.forEach(name -> exact.put(name, FieldRule.exact()));
        return exact;
    }

    private static FieldOutcome outcome(FieldRule rule, JsonNode expected, JsonNode actual) {
        boolean want = !FieldValues.absent(expected);
        boolean got = !FieldValues.absent(actual);
        if (want && got) {
            return FieldValues.matches(rule, expected, actual) ? FieldOutcome.MATCH : FieldOutcome.WRONG;
        }
        if (want) {
            return FieldOutcome.MISSING;
        }
        return got ? FieldOutcome.EXTRA : FieldOutcome.ABSENT_BOTH;
    }

    private static String explanation(int right, int total, List<String> wrong, List<String> missing,
                                      List<String> extra, List<String> criticalMisses, String outputProblem) {
        StringBuilder text = new StringBuilder();
        if (outputProblem != null) {
            text.append(outputProblem).append(", so every expected field is missing; ");
        }
        if (right == total) {
            text.append(total == 1 ? "the field is right" : "all " + total + " fields right");
        } else {
            text.append(right).append(" of ").append(total).append(" fields right");
        }
        if (!criticalMisses.isEmpty()) {
            text.append("; critical field").append(criticalMisses.size() == 1 ? " " : "s ")
                    .append(String.join(", ", criticalMisses)).append(" not right");
        }
        if (!wrong.isEmpty()) {
            text.append("; wrong: ").append(String.join(", ", wrong));
        }
        if (!missing.isEmpty()) {
            text.append("; missing: ").append(String.join(", ", missing));
        }
        if (!extra.isEmpty()) {
            text.append("; not expected: ").append(String.join(", ", extra));
        }
        return text.toString();
    }
}
