package org.hybridllm.lifecycle.provider;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Compute priced by time: milliseconds of it at an hourly rate. */
public final class ComputeTime {

    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000);

    private ComputeTime() {
    }

    /** What {@code millis} of compute cost at {@code usdPerHour}, to 12 decimal places (a call is microdollars). */
    public static BigDecimal cost(double millis, BigDecimal usdPerHour) {
        return usdPerHour.multiply(BigDecimal.valueOf(millis)).divide(MILLIS_PER_HOUR, 12, RoundingMode.HALF_UP);
    }
}
