package org.hybridllm.lifecycle.scoring;

import java.math.BigDecimal;

/**
 * One evaluated example: what went in, what was expected, what the model answered and what the answer cost.
 *
 * @param expected       the reference: a label, JSON text or text; {@code null} when the example has none
 * @param output         the model's answer; {@code null} is read as an empty answer
 * @param costUsd        the call's cost; {@code null} when it is not known
 * @param championOutput the champion's answer to the same input, for the pairwise judge; {@code null} when none
 */
public record ScoredExample(String input, String expected, String output, double latencyMs, BigDecimal costUsd,
                            String championOutput) {

    public ScoredExample {
        input = input == null ? "" : input;
        output = output == null ? "" : output;
    }

    public ScoredExample(String input, String expected, String output) {
        this(input, expected, output, 0, null, null);
    }
}
