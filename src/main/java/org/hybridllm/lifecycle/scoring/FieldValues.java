package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading and comparing one field's values by a {@link FieldRule}. */
final class FieldValues {

    private static final Pattern GROUPED_NUMBER = Pattern.compile("[-+]?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?");
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[-+]?\\d+,\\d{1,2}");
    private static final Pattern PLAIN_NUMBER = Pattern.compile("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?");
    private static final Pattern ORDINAL = Pattern.compile("(\\d)(?:st|nd|rd|th)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[,;]");
    /** Day-month-year and month-day-year forms people and models write, tried in order after ISO. */
    private static final List<DateTimeFormatter> DATE_FORMATS = List.of(
            "uuuu/M/d", "uuuuMMdd", "d.M.uuuu", "M/d/uuuu", "d/M/uuuu", "d-M-uuuu",
            "d MMMM uuuu", "d MMM uuuu", "d-MMM-uuuu", "MMMM d uuuu", "MMM d uuuu", "MMMM d, uuuu", "MMM d, uuuu",
            "EEEE, MMMM d, uuuu", "EEEE, d MMMM uuuu", "EEE, d MMM uuuu", "EEE, MMM d, uuuu")
            .stream()
            .map(pattern -> new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                    .toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT))
            .toList();

    private FieldValues() {
    }

    /** A field is absent when missing, JSON null, a blank string or an empty array. */
    static boolean absent(JsonNode value) {
        return value == null || value.isMissingNode() || value.isNull()
                || (value.isTextual() && value.asText().isBlank())
                || (value.isArray() && value.isEmpty());
    }

    /** The field at a name, or at a dotted path into nested objects when no field has the whole name. */
    static JsonNode at(JsonNode record, String name) {
        if (record == null || !record.isObject()) {
            return null;
        }
        if (record.has(name)) {
            return record.get(name);
        }
        JsonNode node = record;
        for (String part : name.split("\\.")) {
            node = node == null || !node.isObject() ? null : node.get(part);
        }
        return node;
    }

    static boolean matches(FieldRule rule, JsonNode expected, JsonNode actual) {
        double tolerance = rule.tolerance() == null ? 0 : rule.tolerance();
        return switch (rule.match()) {
            case FieldRule.NORMALISED -> TextNormaliser.normalise(text(expected))
                    .equals(TextNormaliser.normalise(text(actual)));
            case FieldRule.NUMERIC -> numericallyClose(expected, actual, tolerance);
            case FieldRule.DATE -> sameDay(expected, actual, tolerance);
            case FieldRule.SET -> values(expected).equals(values(actual));
            default -> exactlyEqual(expected, actual);
        };
    }

    /** A value as a reviewer reads it: a string as itself, anything else as JSON. */
    static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : value.toString();
    }

    private static boolean exactlyEqual(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    private static boolean numericallyClose(JsonNode expected, JsonNode actual, double tolerance) {
        Optional<BigDecimal> a = number(expected);
        Optional<BigDecimal> b = number(actual);
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() && b.isEmpty() && exactlyEqual(expected, actual);
        }
        return a.get().subtract(b.get()).abs().compareTo(BigDecimal.valueOf(tolerance)) <= 0;
    }

    /** A JSON number, or the number in a text such as "€1,234.50", "12,5" or "USD 99". */
    static Optional<BigDecimal> number(JsonNode value) {
        if (value.isNumber()) {
            return Optional.of(value.decimalValue());
        }
        if (!value.isTextual()) {
            return Optional.empty();
        }
        String text = value.asText().strip();
        Matcher grouped = GROUPED_NUMBER.matcher(text);
        if (grouped.find()) {
            return Optional.of(new BigDecimal(grouped.group().replace(",", "")));
        }
        Matcher decimalComma = DECIMAL_COMMA.matcher(text);
        if (decimalComma.find() && !text.contains(".")) {
            return Optional.of(new BigDecimal(decimalComma.group().replace(',', '.')));
        }
        Matcher plain = PLAIN_NUMBER.matcher(text);
        return plain.find() ? Optional.of(new BigDecimal(plain.group())) : Optional.empty();
    }

    private static boolean sameDay(JsonNode expected, JsonNode actual, double toleranceDays) {
        Optional<LocalDate> a = date(expected);
        Optional<LocalDate> b = date(actual);
        if (a.isEmpty() || b.isEmpty()) {
            // a reference that is not a date either is compared as text
            return a.isEmpty() && b.isEmpty()
                    && TextNormaliser.normalise(text(expected)).equals(TextNormaliser.normalise(text(actual)));
        }
        return Math.abs(ChronoUnit.DAYS.between(a.get(), b.get())) <= toleranceDays;
    }

    /**
     * The calendar day a text names: ISO dates and date-times (the day as written, whatever the offset), then
     * common forms; with slashes the US order (month first) wins when both readings are valid dates.
     */
    static Optional<LocalDate> date(JsonNode value) {
        if (!value.isTextual()) {
            return Optional.empty();
        }
        String text = ORDINAL.matcher(value.asText().strip()).replaceAll("$1");
        for (DateTimeFormatter iso : List.of(DateTimeFormatter.ISO_LOCAL_DATE, DateTimeFormatter.ISO_DATE_TIME)) {
            try {
                return Optional.of(LocalDate.from(iso.parseBest(text, ZonedDateTime::from, OffsetDateTime::from,
                        LocalDateTime::from, LocalDate::from)));
            } catch (DateTimeParseException e) {
                // not this form
            }
        }
        for (DateTimeFormatter format : DATE_FORMATS) {
            try {
                return Optional.of(LocalDate.parse(text, format));
            } catch (DateTimeParseException e) {
                // not this form
            }
        }
        return Optional.empty();
    }

    /** A set's values, normalised: an array's elements or a comma- or semicolon-separated text. */
    static Set<String> values(JsonNode value) {
        Set<String> values = new TreeSet<>();
        if (value.isArray()) {
            value.forEach(element -> values.add(TextNormaliser.normalise(text(element))));
        } else {
            for (String part : LIST_SEPARATOR.split(text(value))) {
                values.add(TextNormaliser.normalise(part));
            }
        }
        values.remove("");
        return values;
    }
}
