package org.hybridllm.lifecycle.erasure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Erasure and retention settings.
 *
 * @param autoRetrain       {@code lifecycle.erasure.auto-retrain}: an erasure or retention pass that taints a use
 *                          case's champion starts its retraining run by itself (never while one is open)
 * @param retentionInterval {@code lifecycle.erasure.retention-interval}: how often the retention process applies
 *                          the use cases' retention periods (ISO-8601, default P1D: daily)
 */
@ConfigurationProperties("lifecycle.erasure")
public record ErasureProperties(@DefaultValue("false") boolean autoRetrain,
                                @DefaultValue("P1D") Duration retentionInterval) {
}
