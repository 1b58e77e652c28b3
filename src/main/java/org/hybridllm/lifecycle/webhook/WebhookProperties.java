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
 */
@ConfigurationProperties("lifecycle.webhooks")
public record WebhookProperties(@DefaultValue("PT5M") Duration replayWindow,
                                @DefaultValue("256KB") DataSize maxBodySize,
                                Map<String, Source> sources) {

    public record Source(String secret, List<String> events) {
    }

    public WebhookProperties {
        sources = sources == null ? Map.of() : Map.copyOf(sources);
    }
}
