package org.hybridllm.lifecycle.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.provider.TaskKind;
import org.hybridllm.lifecycle.scoring.FieldRule;
import org.hybridllm.lifecycle.scoring.JsonSchemaContract;
import org.hybridllm.lifecycle.scoring.RubricCriterion;
import org.springframework.stereotype.Component;

/**
 * Checks an output contract and expected outputs before anything is stored: each task kind takes its own
 * contract fields and refuses the others', naming the field.
 */
@Component
public class ContractValidator {

    static final int MAX_INPUT_CHARS = 20_000;
    static final Set<String> MATCHES = Set.of("exact", "normalised", "numeric", "date", "set");

    private final ProviderRegistry providers;
    private final ScorerValidation scorers;

    public ContractValidator(ProviderRegistry providers, ScorerValidation scorers) {
        this.providers = providers;
        this.scorers = scorers;
    }

    /** Refuses a contract that does not fit its task kind, naming the field. */
    public void validate(OutputContract contract) {
        TaskKind task = contract.task();
        if (task != TaskKind.CLASSIFICATION && !contract.labels().isEmpty()) {
            throw new InvalidInput("labels", "Labels are for CLASSIFICATION use cases; a " + task
                    + " use case has " + (task == TaskKind.EXTRACTION ? "an outputSchema" : "a rubric") + ".");
        }
        if (task != TaskKind.EXTRACTION && contract.outputSchema() != null) {
            throw new InvalidInput("outputSchema", "An outputSchema is for EXTRACTION use cases, not " + task + ".");
        }
        if (task != TaskKind.EXTRACTION && !contract.fieldRules().isEmpty()) {
            throw new InvalidInput("fieldRules", "fieldRules are for EXTRACTION use cases, not " + task + ".");
        }
        if (task != TaskKind.GENERATION && !contract.rubric().isEmpty()) {
            throw new InvalidInput("rubric", "A rubric is for GENERATION use cases, not " + task + ".");
        }
        switch (task) {
            case CLASSIFICATION -> validateLabels(contract);
            case EXTRACTION -> validateSchema(contract);
            case GENERATION -> validateRubric(contract.rubric());
        }
        if (contract.judge() != null) {
            String provider = contract.judge().provider();
            if (provider == null || !providers.hasProvider(provider)) {
                throw new InvalidInput("judge.provider", "Unknown provider '" + provider + "'; known: "
                        + providers.providerNames() + ".");
            }
            if (!providers.provider(provider).supportsChat()) {
                throw new InvalidInput("judge.provider", "Provider '" + provider + "' cannot answer a judge's "
                        + "questions (it has no chat model); use an OpenAI-compatible provider.");
            }
            if (contract.judge().model() == null || contract.judge().model().isBlank()) {
                throw new InvalidInput("judge.model", "A judge needs the model to ask.");
            }
        }
        scorers.validate(contract);
    }

    private static void validateLabels(OutputContract contract) {
        if (contract.labels().isEmpty()) {
            throw new InvalidInput("labels", "A CLASSIFICATION use case needs at least one label.");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < contract.labels().size(); i++) {
            String label = contract.labels().get(i).label();
            if (label == null || label.isBlank()) {
                throw new InvalidInput("labels[" + i + "].label", "must not be blank");
            }
            if (!seen.add(label)) {
                throw new InvalidInput("labels[" + i + "].label", "Label '" + label + "' appears twice.");
            }
        }
    }

    private static void validateSchema(OutputContract contract) {
        if (contract.outputSchema() == null) {
            throw new InvalidInput("outputSchema", "An EXTRACTION use case needs an outputSchema (JSON Schema, "
                    + "draft 2020-12).");
        }
        JsonNode schema = contract.outputSchema();
        List<String> problems = JsonSchemaContract.problems(schema);
        if (!problems.isEmpty()) {
            throw new InvalidInput("outputSchema", "The outputSchema is not a valid JSON Schema (draft 2020-12): "
                    + String.join("; ", problems));
        }
        if (!"object".equals(schema.path("type").asText()) || !schema.path("properties").isObject()) {
            throw new InvalidInput("outputSchema", "The outputSchema must describe an object: \"type\": \"object\" "
                    + "with \"properties\".");
        }
        List<String> fields = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(fields::add);
        for (Map.Entry<String, FieldRule> rule : contract.fieldRules().entrySet()) {
            String field = "fieldRules." + rule.getKey();
            if (!fields.contains(rule.getKey())) {
                throw new InvalidInput(field, "'" + rule.getKey() + "' is not a property of the outputSchema "
                        + fields + ".");
            }
            FieldRule value = rule.getValue();
            if (value == null || value.match() == null || !MATCHES.contains(value.match())) {
                throw new InvalidInput(field + ".match", "match must be one of " + MATCHES + ".");
            }
            if (value.tolerance() != null && (value.tolerance() < 0 || !value.match().equals("numeric"))) {
                throw new InvalidInput(field + ".tolerance", "A tolerance is a non-negative number, for numeric "
                        + "matches only.");
            }
        }
    }

    private static void validateRubric(List<RubricCriterion> rubric) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < rubric.size(); i++) {
            RubricCriterion criterion = rubric.get(i);
            if (criterion == null || criterion.name() == null || criterion.name().isBlank()) {
                throw new InvalidInput("rubric[" + i + "].name", "must not be blank");
            }
            if (criterion.criterion() == null || criterion.criterion().isBlank()) {
                throw new InvalidInput("rubric[" + i + "].criterion", "must not be blank");
            }
            if (!names.add(criterion.name())) {
                throw new InvalidInput("rubric[" + i + "].name", "Criterion '" + criterion.name()
                        + "' appears twice.");
            }
        }
    }

    /** An input as stored: a text as it is, a JSON object of named variables as its text; refused otherwise. */
    public String input(JsonNode input, String field) {
        if (!(input.isTextual() && !input.asText().isBlank()) && !input.isObject()) {
            throw new InvalidInput(field, "An input is a non-blank text or a JSON object of named variables.");
        }
        String text = input.isTextual() ? input.asText() : input.toString();
        if (text.length() > MAX_INPUT_CHARS) {
            throw new InvalidInput(field, "An input has at most " + MAX_INPUT_CHARS + " characters.");
        }
        return text;
    }

    /**
     * An expected output as stored: a label of the use case, a JSON object that satisfies its schema, or a text.
     * Refused with the field named otherwise.
     */
    public String expected(OutputContract contract, JsonNode expected, String field) {
        if (expected == null || expected.isNull() || expected.isMissingNode()) {
            throw new InvalidInput(field, "An expected output is required.");
        }
        return switch (contract.task()) {
            case CLASSIFICATION -> {
                if (!expected.isTextual() || !contract.labelNames().contains(expected.asText())) {
                    throw new InvalidInput(field, "Label '" + (expected.isTextual() ? expected.asText() : expected)
                            + "' is not one of the use case's labels " + contract.labelNames() + ".");
                }
                yield expected.asText();
            }
            case EXTRACTION -> {
                if (!expected.isObject()) {
                    throw new InvalidInput(field, "An EXTRACTION use case expects a JSON object.");
                }
                List<String> violations = JsonSchemaContract.of(contract.outputSchema()).violations(expected);
                if (!violations.isEmpty()) {
                    throw new InvalidInput(field, "Does not satisfy the outputSchema: "
                            + String.join("; ", violations));
                }
                yield expected.toString();
            }
            case GENERATION -> {
                if (!expected.isTextual() || expected.asText().isBlank()) {
                    throw new InvalidInput(field, "A GENERATION use case expects a reference text.");
                }
                yield expected.asText();
            }
        };
    }
}
