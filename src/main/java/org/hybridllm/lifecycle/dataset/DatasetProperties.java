package org.hybridllm.lifecycle.dataset;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a dataset version is split.
 *
 * @param validationShare share of the examples in the validation split
 * @param testShare       share of the examples in the held-out test split
 * @param splitSeed       seed of the stratified split: the same feedback and seed give the same splits
 */
@ConfigurationProperties("lifecycle.dataset")
public record DatasetProperties(@DefaultValue("0.15") double validationShare, @DefaultValue("0.15") double testShare,
                                @DefaultValue("20261124") long splitSeed) {
}
