package org.hybridllm.lifecycle.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Webhook senders. Each source has its own secret (from the environment, never the repo) and the event types it
 * may send.
 *
 * @param deliveryLease how long a delivery may stay unanswered before a retry with its key takes it over (the
 *                      first one's process crashed between recording it and answering)
 */
@ConfigurationProperties("lifecycle.webhooks")
public record WebhookProperties(@DefaultValue("PT5M") Duration replayWindow,
                                @DefaultValue("256KB") DataSize maxBodySize,
                                @DefaultValue("PT30S") Duration deliveryLease,
                                Map<String, Source> sources) {

    public record Source(String secret, List<String> events) {
    }

    public WebhookProperties {
        sources = sources == null ? Map.of() : Map.copyOf(sources);
    }
}
