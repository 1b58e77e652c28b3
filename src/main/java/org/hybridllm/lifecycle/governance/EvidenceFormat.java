package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.hybridllm.lifecycle.statistics.Proportion;

/**
 * Formatting for the review page (the template calls it as {@code fmt}): evidence values arrive as JSON numbers,
 * lists or nothing, and a missing one is shown as "—", never as an error or a zero.
 */
public final class EvidenceFormat {

    static final String NONE = "—";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final ObjectMapper json;

    EvidenceFormat(ObjectMapper json) {
        this.json = json;
    }

    public String num(Object value, int decimals) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%." + decimals + "f", n.doubleValue()) : NONE;
    }

    public String pct(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%.1f %%", 100 * n.doubleValue()) : NONE;
    }

    /** US dollars; amounts under a cent with the digits that say something (a call costs fractions of one). */
    public String usd(Object value) {
        if (!(value instanceof Number n)) {
            return NONE;
        }
        double amount = n.doubleValue();
        return Math.abs(amount) >= 0.01 || amount == 0 ? String.format(Locale.ROOT, "$%,.2f", amount)
                : String.format(Locale.ROOT, "$%.3g", amount);
    }

    /** A [low, high] interval from a JSON list of two numbers. */
    public String ci(Object interval, int decimals) {
        if (interval instanceof List<?> bounds && bounds.size() == 2) {
            return "[" + num(bounds.get(0), decimals) + ", " + num(bounds.get(1), decimals) + "]";
        }
        return NONE;
    }

    /** A proportion as value and 95 % Wilson interval, e.g. "0.812 [0.702, 0.889] (26/32)". */
    public String rate(Proportion proportion) {
        if (proportion == null) {
            return NONE;
        }
        return num(proportion.value(), 3) + " [" + num(proportion.low(), 3) + ", " + num(proportion.high(), 3)
                + "] (" + proportion.successes() + "/" + proportion.trials() + ")";
    }

    public String time(OffsetDateTime time) {
        return time == null ? NONE : DAY.format(time);
    }

    public boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value);
    }

    /** A value as JSON text (a list or object of the evidence), for the diff of a resubmission. */
    public String json(Object value) {
        if (value == null) {
            return NONE;
        }
        if (value instanceof String text) {
            return text;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
