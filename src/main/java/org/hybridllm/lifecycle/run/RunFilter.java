package org.hybridllm.lifecycle.run;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import org.hybridllm.lifecycle.api.InvalidInput;

/**
 * Which runs a list shows; a null member matches every run. {@code createdFrom} is inclusive, {@code createdTo}
 * exclusive, so consecutive ranges never count a run twice.
 */
public record RunFilter(String useCase, RunStatus status, RunOutcome outcome, String startedBy,
                        OffsetDateTime createdFrom, OffsetDateTime createdTo) {

    public static final RunFilter ALL = new RunFilter(null, null, null, null, null, null);

    public RunFilter {
        if (createdFrom != null && createdTo != null && !createdTo.isAfter(createdFrom)) {
            throw new InvalidInput("createdTo", "createdTo must be after createdFrom.");
        }
    }

    /**
     * A filter from request parameters as given (blank: no filter), each checked: a bad value is a 400 naming its
     * parameter. A date-time is ISO-8601 with an offset ({@code 2026-01-31T09:00:00Z}); a date alone
     * ({@code 2026-01-31}, what a date picker sends) is a whole UTC day, so {@code createdTo} of a date includes
     * that day.
     */
    public static RunFilter parse(String useCase, String status, String outcome, String startedBy,
                                  String createdFrom, String createdTo) {
        return new RunFilter(blankToNull(useCase), enumValue(RunStatus.class, "status", status),
                enumValue(RunOutcome.class, "outcome", outcome), blankToNull(startedBy),
                instant("createdFrom", createdFrom, false), instant("createdTo", createdTo, true));
    }

    public boolean isEmpty() {
        return equals(ALL);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String parameter, String value) {
        String given = blankToNull(value);
        if (given == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, given.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(parameter, "Parameter '" + parameter + "' has an invalid value: " + given
                    + "; one of " + Arrays.toString(type.getEnumConstants()) + ".");
        }
    }

    private static OffsetDateTime instant(String parameter, String value, boolean endOfDay) {
        String given = blankToNull(value);
        if (given == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(given);
        } catch (DateTimeParseException notDateTime) {
            try {
                LocalDate day = LocalDate.parse(given);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay().atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException notDate) {
                throw new InvalidInput(parameter, "Parameter '" + parameter + "' has an invalid value: " + given
                        + "; send an ISO-8601 date (2026-01-31) or date-time with an offset (2026-01-31T09:00:00Z).");
            }
        }
    }
}
