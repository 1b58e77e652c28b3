package org.hybridllm.lifecycle.provider.local;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One top-level property of an extraction schema, as the local model handles it: a TEXT or NUMBER field is a span
 * of the input (a tagging head finds it), a CHOICE field (enum, boolean) is a property of the whole input (a
 * sentence-level head picks the value). The schema's constraints on the field are kept, so that a value the input
 * does not support is left out rather than output against the schema.
 */
record ExtractionField(String name, Kind kind, boolean required, boolean integer, String pattern,
                       Integer minLength, Integer maxLength, BigDecimal minimum, BigDecimal maximum,
                       List<JsonNode> values) {

    enum Kind { TEXT, NUMBER, CHOICE }

    /** The label of a choice head's "the field is absent" class; not a JSON text, so no enum value spells it. */
    static final String ABSENT = "(absent)";

    /** The fields of a schema the local model can fill, in the schema's order; object and array fields are not. */
    static List<ExtractionField> of(JsonNode schema) {
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        List<ExtractionField> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            field(property.getKey(), property.getValue(), required.contains(property.getKey()))
                    .ifPresent(fields::add);
        }
        return List.copyOf(fields);
    }

    /** Names of the schema's properties no local head fills. */
    static List<String> unsupported(JsonNode schema) {
        Set<String> supported = new HashSet<>(of(schema).stream().map(ExtractionField::name).toList());
        List<String> names = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(name -> {
            if (!supported.contains(name)) {
                names.add(name);
            }
        });
        return names;
    }

    private static Optional<ExtractionField> field(String name, JsonNode property, boolean required) {
        if (property.has("enum")) {
            List<JsonNode> values = new ArrayList<>();
            property.get("enum").forEach(value -> {
                if (!value.isNull()) {
                    values.add(value);
                }
            });
            return Optional.of(new ExtractionField(name, Kind.CHOICE, required, false, null, null, null, null, null,
                    List.copyOf(values)));
        }
        String type = type(property.path("type"));
        BigDecimal minimum = property.path("minimum").isNumber() ? property.get("minimum").decimalValue() : null;
        BigDecimal maximum = property.path("maximum").isNumber() ? property.get("maximum").decimalValue() : null;
        return switch (type) {
            case "string" -> Optional.of(new ExtractionField(name, Kind.TEXT, required, false,
                    property.path("pattern").isTextual() ? property.get("pattern").asText() : null,
                    property.path("minLength").isInt() ? property.get("minLength").asInt() : null,
                    property.path("maxLength").isInt() ? property.get("maxLength").asInt() : null,
                    null, null, List.of()));
            case "number", "integer" -> Optional.of(new ExtractionField(name, Kind.NUMBER, required,
                    type.equals("integer"), null, null, null, minimum, maximum, List.of()));
            case "boolean" -> Optional.of(new ExtractionField(name, Kind.CHOICE, required, false, null, null, null,
                    null, null, List.of(JsonNodeFactory.instance.booleanNode(true),
                    JsonNodeFactory.instance.booleanNode(false))));
            default -> Optional.empty();
        };
    }

    /** "string", ["string", "null"] → "string"; anything else → "". */
    private static String type(JsonNode type) {
        if (type.isTextual()) {
            return type.asText();
        }
        for (JsonNode option : type) {
            if (!option.asText().equals("null")) {
                return option.asText();
            }
        }
        return "";
    }

    @JsonIgnore
    boolean isSpan() {
        return kind != Kind.CHOICE;
    }

    /** A choice head's labels: the values as JSON texts, then "absent" where the field may be left out. */
    List<String> choiceLabels() {
        List<String> labels = new ArrayList<>(values.stream().map(JsonNode::toString).toList());
        if (!required) {
            labels.add(ABSENT);
        }
        return labels;
    }

    /** The choice label index of an ideal value (null or missing: absent), or -1 when it has none. */
    int choiceIndex(JsonNode ideal) {
        if (ideal == null || ideal.isNull() || ideal.isMissingNode()) {
            return required ? -1 : values.size();
        }
        for (int k = 0; k < values.size(); k++) {
            if (same(values.get(k), ideal)) {
                return k;
            }
        }
        return -1;
    }

    /** The ideal value's characters [start, end) in the input: text case-insensitively, numbers by value. */
    Optional<int[]> locate(String input, JsonNode ideal) {
        if (kind == Kind.NUMBER) {
            Optional<BigDecimal> wanted = number(ideal);
            if (wanted.isEmpty()) {
                return Optional.empty();
            }
            return NumberText.find(input).stream()
                    .filter(found -> found.value().compareTo(wanted.get()) == 0)
                    .map(found -> new int[] {found.start(), found.end()})
                    .findFirst();
        }
        String value = ideal.asText().strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        int at = input.toLowerCase(Locale.ROOT).indexOf(value.toLowerCase(Locale.ROOT));
        return at < 0 ? Optional.empty() : Optional.of(new int[] {at, at + value.length()});
    }

    /**
     * The value that characters [start, end) of the input write, if it satisfies the schema: a number is parsed
     * from the span (or, failing that, one the span overlaps); a text that misses the field's pattern is replaced by
     * a match of the pattern that overlaps the span.
     */
    Optional<JsonNode> fromSpan(String input, int start, int end) {
        return kind == Kind.NUMBER ? numberFromSpan(input, start, end) : textFromSpan(input, start, end);
    }

    private Optional<JsonNode> numberFromSpan(String input, int start, int end) {
        Optional<BigDecimal> value = NumberText.parse(input.substring(start, end));
        if (value.isEmpty()) {
            value = NumberText.find(input).stream()
                    .filter(found -> found.start() < end && found.end() > start)
                    .map(NumberText.Found::value)
                    .findFirst();
        }
        return value.filter(this::fits).map(ExtractionField::numberNode);
    }

    private static JsonNode numberNode(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
            return JsonNodeFactory.instance.numberNode(stripped.longValueExact());
        }
        return JsonNodeFactory.instance.numberNode(value.doubleValue());
    }

    private boolean fits(BigDecimal value) {
        if (integer && value.stripTrailingZeros().scale() > 0) {
            return false;
        }
        return (minimum == null || value.compareTo(minimum) >= 0) && (maximum == null || value.compareTo(maximum) <= 0);
    }

    private Optional<JsonNode> textFromSpan(String input, int start, int end) {
        String text = input.substring(start, end).strip();
        if (pattern != null && !Pattern.compile(pattern).matcher(text).find()) {
            text = null;
            Matcher match = unanchored(pattern).matcher(input);
            while (match.find()) {
                if (match.start() < end && match.end() > start) {
                    text = match.group();
                    break;
                }
            }
        }
        if (text == null || text.isEmpty() || (minLength != null && text.length() < minLength)
                || (maxLength != null && text.length() > maxLength)) {
            return Optional.empty();
        }
        return Optional.of(JsonNodeFactory.instance.textNode(text));
    }

    /** Schema patterns are usually anchored ("^ORD-[0-9]{5}$"); to find one inside a text, drop the anchors. */
    static Pattern unanchored(String pattern) {
        String inner = pattern;
        if (inner.startsWith("^")) {
            inner = inner.substring(1);
        }
        if (inner.endsWith("$") && !inner.endsWith("\\$")) {
            inner = inner.substring(0, inner.length() - 1);
        }
        return Pattern.compile(inner);
    }

    /**
     * Whether a predicted value (null: absent) equals the ideal one: numbers by value, text ignoring case and
     * runs of white space, choices exactly.
     */
    boolean matches(JsonNode predicted, JsonNode ideal) {
        boolean predictedAbsent = predicted == null || predicted.isNull() || predicted.isMissingNode();
        boolean idealAbsent = ideal == null || ideal.isNull() || ideal.isMissingNode();
        if (predictedAbsent || idealAbsent) {
            return predictedAbsent == idealAbsent;
        }
        if (kind == Kind.TEXT) {
            return normalised(predicted.asText()).equals(normalised(ideal.asText()));
        }
        return same(predicted, ideal);
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static Optional<BigDecimal> number(JsonNode value) {
        if (value.isNumber()) {
            return Optional.of(value.decimalValue());
        }
        return value.isTextual() ? NumberText.parse(value.asText()) : Optional.empty();
    }

    private static String normalised(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
