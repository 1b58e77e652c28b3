package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Locale;

/**
 * What training a model cost, as its fine-tuner can tell: the amount (null when it cannot be known), the wall time
 * of the training (null when unknown), and the basis — how the amount was reached, or why it is unknown — in words
 * a reviewer can check.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TrainingCost(BigDecimal usd, Double seconds, String basis) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** Tokens billed for training × a price per million training tokens. */
    public static TrainingCost ofTokens(long trainedTokens, BigDecimal usdPerMillion, Double seconds, String model) {
        BigDecimal usd = usdPerMillion.multiply(BigDecimal.valueOf(trainedTokens))
                .divide(MILLION, MathContext.DECIMAL64);
        return new TrainingCost(usd, seconds, trainedTokens + " trained tokens × $" + usdPerMillion.toPlainString()
                + " per million training tokens of " + model);
    }

    /** Wall time × an hourly rate ({@code what}: e.g. "GPU-hour of fine-tuner peft"). */
    public static TrainingCost ofWallTime(Duration wallTime, BigDecimal usdPerHour, String what) {
        double seconds = wallTime.toNanos() / 1e9;
        BigDecimal usd = ComputeTime.cost(wallTime.toNanos() / 1e6, usdPerHour);
        return new TrainingCost(usd, seconds, String.format(Locale.ROOT, "%.1f s wall time × $%s per %s", seconds,
                usdPerHour.toPlainString(), what));
    }

    /** The cost cannot be known; {@code why} says what is missing. */
    public static TrainingCost unknown(Double seconds, String why) {
        return new TrainingCost(null, seconds, why);
    }
}
