package org.hybridllm.lifecycle.gateway;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lifecycle.gateway}: the OpenAI-compatible endpoint applications call instead of their model.
 *
 * @param logQueueCapacity calls waiting to be written as interactions; when full, a call still succeeds and
 *                         {@code lifecycle.gateway.log.dropped} counts the interaction that could not be logged
 * @param logBatchSize     interactions written per insert
 * @param logFlushInterval how long the writer waits for a batch to fill
 * @param cacheTtl         routes and API keys are cached; a change in Postgres invalidates them at once (LISTEN),
 *                         this bounds their age should a notification be missed
 */
@ConfigurationProperties("lifecycle.gateway")
public record GatewayProperties(@DefaultValue("10000") int logQueueCapacity,
                                @DefaultValue("500") int logBatchSize,
                                @DefaultValue("PT0.1S") Duration logFlushInterval,
                                @DefaultValue("PT30S") Duration cacheTtl) {

    public GatewayProperties {
        if (logQueueCapacity < 1 || logBatchSize < 1) {
            throw new IllegalArgumentException("lifecycle.gateway.log-queue-capacity and log-batch-size must be >= 1");
        }
    }
}
