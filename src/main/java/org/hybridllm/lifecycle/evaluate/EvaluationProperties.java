package org.hybridllm.lifecycle.evaluate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param minimumGain the default gain on the primary metric the promotion gate asks of a candidate (a use case's
 *                    own {@code minimumGain} overrides it)
 */
@ConfigurationProperties("lifecycle.evaluation")
public record EvaluationProperties(@DefaultValue("0.0") double minimumGain) {
}
