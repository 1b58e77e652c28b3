package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a use case's output contract gives its scorers.
 *
 * @param outputSchema the JSON Schema (draft 2020-12) outputs must satisfy; {@code null} when the use case has none
 * @param fieldRules   field-match rules by field name (a dotted name reaches into nested objects), in order
 * @param rubric       the criteria the llm-rubric judge grades
 * @param judge        the configured judge; {@code null} when none is, and then judge scorers are refused
 */
public record ScoringContext(JsonNode outputSchema, Map<String, FieldRule> fieldRules, List<RubricCriterion> rubric,
                             Judge judge) {

    public ScoringContext {
        fieldRules = fieldRules == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fieldRules));
        rubric = rubric == null ? List.of() : List.copyOf(rubric);
    }

    /** No contract and no judge: enough for the text, length and limit scorers. */
    public static ScoringContext empty() {
        return new ScoringContext(null, Map.of(), List.of(), null);
    }

    public ScoringContext withJudge(Judge newJudge) {
        return new ScoringContext(outputSchema, fieldRules, rubric, newJudge);
    }
}
