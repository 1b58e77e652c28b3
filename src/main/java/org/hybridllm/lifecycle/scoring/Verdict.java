package org.hybridllm.lifecycle.scoring;

import java.util.List;
import java.util.Map;

/**
 * One scorer's verdict on one example.
 *
 * @param value       the measured value (a share, a score, a length, milliseconds, dollars: see the scorer);
 *                    {@code null} when nothing could be measured, and then {@code passed} is false
 * @param explanation why it passed or failed, in words a reviewer reads
 * @param details     scorer-specific structure (plain maps, lists, strings, numbers, booleans), e.g. per field
 * @param judgeCalls  every judge call the verdict took, to be priced and logged by the caller
 */
public record Verdict(String scorer, String type, Double value, boolean passed, String explanation,
                      Map<String, Object> details, List<JudgeCall> judgeCalls) {

    public Verdict {
        details = details == null ? Map.of() : details;
        judgeCalls = judgeCalls == null ? List.of() : List.copyOf(judgeCalls);
    }
}
