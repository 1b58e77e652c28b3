package org.hybridllm.lifecycle.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvidenceDiffTest {

    @Test
    void namesEveryChangedAddedAndRemovedKeyOfAResubmission() {
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("datasetVersion", 1);
        before.put("datasetSha256", "aaa");
        before.put("trainRows", 700);
        before.put("candidateModelName", "routing-ft-1");
        before.put("candidateAccuracy", 0.91);
        before.put("piiItemsScrubbed", 12);
        before.put("gate", ordered("verdict", "INCONCLUSIVE", "ci", List.of(-0.01, 0.08)));
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("datasetVersion", 2);
        after.put("datasetSha256", "bbb");
        after.put("trainRows", 700.0); // the same number, written as a double
        after.put("candidateModelName", "routing-ft-2");
        after.put("candidateAccuracy", 0.95);
        after.put("gate", ordered("verdict", "PROMOTE", "ci", List.of(0.02, 0.11)));
        after.put("leakage", Map.of("testOverlapRate", 0.01));

        List<EvidenceDiff.Change> changes = EvidenceDiff.between(before, after);

        assertThat(changes).containsExactly(
                new EvidenceDiff.Change("datasetVersion", EvidenceDiff.Kind.CHANGED, 1, 2),
                new EvidenceDiff.Change("datasetSha256", EvidenceDiff.Kind.CHANGED, "aaa", "bbb"),
                new EvidenceDiff.Change("candidateModelName", EvidenceDiff.Kind.CHANGED, "routing-ft-1",
                        "routing-ft-2"),
                new EvidenceDiff.Change("candidateAccuracy", EvidenceDiff.Kind.CHANGED, 0.91, 0.95),
                new EvidenceDiff.Change("gate.verdict", EvidenceDiff.Kind.CHANGED, "INCONCLUSIVE", "PROMOTE"),
                new EvidenceDiff.Change("gate.ci", EvidenceDiff.Kind.CHANGED, List.of(-0.01, 0.08),
                        List.of(0.02, 0.11)),
                new EvidenceDiff.Change("leakage.testOverlapRate", EvidenceDiff.Kind.ADDED, null, 0.01),
                new EvidenceDiff.Change("piiItemsScrubbed", EvidenceDiff.Kind.REMOVED, 12, null));
    }

    @Test
    void theSameEvidenceHasNoChanges() {
        Map<String, Object> evidence = Map.of("trainRows", 10, "gate", Map.of("slices",
                List.of(Map.of("name", "billing", "regressed", false))));
        assertThat(EvidenceDiff.between(evidence, Map.of("trainRows", 10L, "gate", Map.of("slices",
                List.of(Map.of("name", "billing", "regressed", false)))))).isEmpty();
        assertThat(EvidenceDiff.between(null, Map.of())).isEmpty();
    }

    /** Two entries in this order (Map.of's order is unspecified, and the diff follows the evidence's order). */
    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}
