package org.hybridllm.lifecycle.usecase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.FieldRule;
import org.hybridllm.lifecycle.scoring.RubricCriterion;
import org.hybridllm.lifecycle.scoring.ScorerSpec;

/**
 * What a use case's outputs must be and how they are scored, versioned with the use case: every evaluation names
 * the version it was scored against.
 *
 * @param labels       classification: the labels (and descriptions a prompt may show)
 * @param outputSchema extraction: the JSON Schema (draft 2020-12) an output must satisfy
 * @param fieldRules   extraction: per field, how it is matched and whether it is critical
 * @param rubric       generation: pass/fail criteria a judge grades a reply on
 * @param scorers      scorers beyond the task kind's defaults
 * @param judge        the chat model that grades rubrics and pairwise comparisons (none: no judge scorers)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record OutputContract(int version, TaskKind task, List<LabelSpec> labels, JsonNode outputSchema,
                             Map<String, FieldRule> fieldRules, List<RubricCriterion> rubric,
                             List<ScorerSpec> scorers, JudgeSpec judge) {

    public OutputContract {
        labels = labels == null ? List.of() : List.copyOf(labels);
        fieldRules = fieldRules == null ? Map.of() : Map.copyOf(fieldRules);
        rubric = rubric == null ? List.of() : List.copyOf(rubric);
        scorers = scorers == null ? List.of() : List.copyOf(scorers);
    }

    public List<String> labelNames() {
        return labels.stream().map(LabelSpec::label).toList();
    }
}
