package org.hybridllm.lifecycle.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One signal of a drift check: its value over the window, the reference it is compared with, the threshold that
 * trips it (in the value's units, {@code rule} in words) and whether it tripped. A signal without enough data has
 * a null value and says why in {@code note}; it never trips.
 *
 * @param group   quality, input, output, latency or cost
 * @param n       the observations the value is computed from (rows, ratings, sampled inputs)
 * @param details the test statistic, p-value, interval, distributions, as the signal has them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Signal(String name, String group, Double value, Double reference, Double threshold, String rule,
                     boolean tripped, Long n, String note, Map<String, Object> details) {

    static Signal noData(String name, String group, String note) {
        return new Signal(name, group, null, null, null, null, false, null, note, null);
    }
}
