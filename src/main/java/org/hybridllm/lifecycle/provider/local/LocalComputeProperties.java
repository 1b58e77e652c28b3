package org.hybridllm.lifecycle.provider.local;

import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code lifecycle.local}: the local model runs on the app's own machine and has no price list, so its compute is
 * priced by time. A local call costs its latency × {@code compute-hour-usd}, a local fine-tuning job its wall time ×
 * the same rate: evaluations, the gateway's interaction log and break-even all read the same modelled cost.
 *
 * @param computeHourUsd what an hour of the compute the local model uses costs; default 0.05, about one vCPU-hour
 *                       on demand at a large cloud (the local model runs on one core per call); 0 treats local
 *                       compute as free
 */
@ConfigurationProperties("lifecycle.local")
public record LocalComputeProperties(BigDecimal computeHourUsd) {

    public static final BigDecimal DEFAULT_COMPUTE_HOUR_USD = new BigDecimal("0.05");

    public LocalComputeProperties {
        computeHourUsd = computeHourUsd == null ? DEFAULT_COMPUTE_HOUR_USD : computeHourUsd;
        if (computeHourUsd.signum() < 0) {
            throw new IllegalArgumentException("lifecycle.local.compute-hour-usd must not be negative");
        }
    }

    public static LocalComputeProperties defaults() {
        return new LocalComputeProperties(null);
    }
}
