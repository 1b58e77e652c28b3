package org.hybridllm.lifecycle.dataset;

import java.util.Map;
import java.util.UUID;

/**
 * A registered dataset version: its train / validation / test splits (OpenAI chat JSONL), the preference pairs
 * its corrections yield (OpenAI DPO JSONL; null when there are none), what the build dropped, and how much its
 * split leaks ({@code leakage}; null for versions built before the split was leakage-aware).
 */
public record DatasetVersion(long id, long useCaseId, UUID runId, int version, String sha256, long trainArtifactId,
                             long validationArtifactId, long testArtifactId, int trainRows, int validationRows,
                             int testRows, int candidates, int duplicatesRemoved, int piiItemsScrubbed,
                             Map<String, Integer> labelDistribution, long splitSeed, boolean tainted,
                             Long preferenceArtifactId, int preferencePairs, int excludedInvalid,
                             DatasetLeakage leakage) {
}
