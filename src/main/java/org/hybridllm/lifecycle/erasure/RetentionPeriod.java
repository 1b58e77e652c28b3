package org.hybridllm.lifecycle.erasure;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** An ISO-8601 retention period: a duration (P30D, PT12H) or a calendar period (P1Y, P6M); positive. */
record RetentionPeriod(String text, Duration duration, Period period) {

    /** @throws IllegalArgumentException with the reason, for an unparsable or non-positive value */
    static RetentionPeriod parse(String text) {
        String value = text.strip().toUpperCase(Locale.ROOT);
        try {
            Duration duration = Duration.parse(value);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("'" + text + "' is not a positive duration.");
            }
            return new RetentionPeriod(value, duration, null);
        } catch (DateTimeParseException notDuration) {
            try {
                Period period = Period.parse(value);
                if (period.isNegative() || period.isZero()) {
                    throw new IllegalArgumentException("'" + text + "' is not a positive period.");
                }
                return new RetentionPeriod(value, null, period);
            } catch (DateTimeParseException notPeriod) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration (e.g. P365D, P1Y, "
                        + "P6M, PT12H).");
            }
        }
    }

    /** Rows logged before this instant are past the period. */
    OffsetDateTime cutoff(OffsetDateTime now) {
        return duration != null ? now.minus(duration) : now.minus(period);
    }
}
