package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The output is JSON that satisfies the use case's output schema (or the scorer's own {@code schema}); the
 * explanation lists the violations. Value 1 or 0.
 */
final class JsonSchemaScorer extends BaseScorer {

    static final String TYPE = "json-schema";
    private static final int LISTED = 5;

    private final JsonSchemaContract contract;

    JsonSchemaScorer(String name, JsonSchemaContract contract) {
        super(name, TYPE);
        this.contract = contract;
    }

    static JsonSchemaScorer from(ScorerParams params, ScoringContext context) {
        params.allowOnly("schema");
        Object own = params.raw("schema").orElse(null);
        if (own != null) {
            JsonNode schema = JsonText.MAPPER.valueToTree(own);
            return new JsonSchemaScorer(params.name(), contract(schema, params.field("schema")));
        }
        if (context.outputSchema() == null) {
            throw params.invalid("schema", "json-schema needs a schema: give it a schema parameter or the use case"
                    + " an output schema");
        }
        return new JsonSchemaScorer(params.name(), contract(context.outputSchema(), "outputSchema"));
    }

    private static JsonSchemaContract contract(JsonNode schema, String field) {
        List<String> problems = JsonSchemaContract.problems(schema);
        if (!problems.isEmpty()) {
            throw new InvalidScorerSpec(field, "not a valid JSON Schema (draft 2020-12): " + String.join("; ", problems));
        }
        return JsonSchemaContract.of(schema);
    }

    @Override
    public Verdict score(ScoredExample example) {
        List<String> violations = contract.violations(example.output());
        if (violations.isEmpty()) {
            return verdict(1.0, true, "output satisfies the schema", Map.of("violations", List.of()));
        }
        String listed = String.join("; ", violations.subList(0, Math.min(LISTED, violations.size())));
        String more = violations.size() > LISTED ? "; and " + (violations.size() - LISTED) + " more" : "";
        String count = violations.size() == 1 ? "1 violation: " : violations.size() + " violations: ";
        return verdict(0.0, false, count + listed + more, Map.of("violations", violations));
    }
}
