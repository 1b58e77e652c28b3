package org.hybridllm.lifecycle.evaluate;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param minimumGain how much more accuracy on the test split than the champion a candidate needs to be offered
 *                    for promotion
 */
@ConfigurationProperties("lifecycle.evaluation")
public record EvaluationProperties(@DefaultValue("0.0") double minimumGain) {
}
