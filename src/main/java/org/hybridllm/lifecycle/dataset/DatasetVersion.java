package org.hybridllm.lifecycle.dataset;

import java.util.Map;
import java.util.UUID;

public record DatasetVersion(long id, long useCaseId, UUID runId, int version, String sha256, long trainArtifactId,
                             long validationArtifactId, long testArtifactId, int trainRows, int validationRows,
                             int testRows, int candidates, int duplicatesRemoved, int piiItemsScrubbed,
                             Map<String, Integer> labelDistribution, long splitSeed, boolean tainted) {
}
