package org.hybridllm.lifecycle.dataset;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a dataset version is split.
 *
 * @param validationShare share of the examples in the validation split
 * @param testShare       share of the examples in the held-out test split
 * @param splitSeed       seed of the stratified split: the same feedback and seed give the same splits
 * @param nearDuplicateThreshold the Jaccard similarity (of 5-character shingle sets, MinHash-estimated) from which
 *                               two inputs are near-duplicates, kept in one split
 * @param leakageFlagThreshold   the share of test rows with a near-duplicate in train above which the split, and
 *                               the evaluation on it, are flagged
 */
@ConfigurationProperties("lifecycle.dataset")
public record DatasetProperties(@DefaultValue("0.15") double validationShare, @DefaultValue("0.15") double testShare,
                                @DefaultValue("20261124") long splitSeed,
                                @DefaultValue("0.7") double nearDuplicateThreshold,
                                @DefaultValue("0.05") double leakageFlagThreshold) {
}
