package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InvalidSpecsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Scorers SCORERS = new Scorers(text -> new float[] {1});
    static final Judge JUDGE = (system, user) -> new JudgeReply("{\"pass\": true}", 1, 1, 1, null, "fake", "j");

    static InvalidScorerSpec refusal(String specJson, ScoringContext context) throws Exception {
        List<ScorerSpec> specs = new ArrayList<>(List.of(ScorerSpec.of("is-json"),
                JSON.readValue(specJson, ScorerSpec.class)));
        return catchThrowableOfType(InvalidScorerSpec.class, () -> SCORERS.validate(specs, context));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"type": "regex"}                                  | scorers[1].pattern   | is required for regex
            {"type": "regex", "pattern": "(unclosed"}          | scorers[1].pattern   | not a valid regular expression
            {"type": "regex", "pattern": 7}                    | scorers[1].pattern   | must be a string
            {"type": "regx", "pattern": "a"}                   | scorers[1].type      | unknown scorer type "regx"; one of equals,
            {"name": "x"}                                      | scorers[1].type      | is required
            {"type": "equals", "ignorecase": true}             | scorers[1].ignorecase| not a parameter of equals; it takes value, ignoreCase, ignoreWhitespace
            {"type": "equals", "ignoreCase": "yes"}            | scorers[1].ignoreCase| must be true or false
            {"type": "max-length"}                             | scorers[1].max       | is required for max-length
            {"type": "max-length", "max": 2.5}                 | scorers[1].max       | must be a whole number
            {"type": "max-length", "max": -1}                  | scorers[1].max       | must be between 0 and
            {"type": "latency", "maxMs": "1s"}                 | scorers[1].maxMs     | must be a number
            {"type": "cost"}                                   | scorers[1].maxUsd    | is required for cost
            {"type": "similar", "threshold": 1.5}              | scorers[1].threshold | must be between -1 and 1
            {"type": "chrf", "threshold": 101}                 | scorers[1].threshold | must be between 0 and 100
            {"type": "rouge-l", "threshold": 2}                | scorers[1].threshold | must be between 0 and 1
            {"type": "is-json", "name": "j", "strict": true}   | scorers[1].strict    | not a parameter of is-json, which takes none
            {"type": "is-json"}                                | scorers[1].name      | scorers[0] is already named "is-json"
            {"type": "json-schema"}                            | scorers[1].schema    | needs a schema
            {"type": "json-schema", "schema": {"type": "txt"}} | scorers[1].schema    | not a valid JSON Schema
            {"type": "llm-rubric"}                             | scorers[1].type      | llm-rubric needs a judge
            {"type": "pairwise"}                               | scorers[1].type      | pairwise needs a judge
            """)
    void aSpecThatCannotWorkIsRefusedNamingTheField(String spec, String field, String reason) throws Exception {
        InvalidScorerSpec refusal = refusal(spec, ScoringContext.empty());
        assertThat(refusal).as(spec).isNotNull();
        assertThat(refusal.field()).isEqualTo(field);
        assertThat(refusal.reason()).contains(reason);
        assertThat(refusal.getMessage()).startsWith(field + ": ");
    }

    @Test
    void theContractsFaultsNameTheContractsField() throws Exception {
        ScoringContext badSchema = new ScoringContext(JSON.readTree("{\"type\": \"invalidtype\"}"), Map.of(),
                List.of(), null);
        assertThat(refusal("{\"type\": \"json-schema\"}", badSchema).field()).isEqualTo("outputSchema");

        ScoringContext badRule = new ScoringContext(null, Map.of("amount", new FieldRule("fuzzy", null, false)),
                List.of(), null);
        InvalidScorerSpec rule = refusal("{\"type\": \"field-match\"}", badRule);
        assertThat(rule.field()).isEqualTo("fieldRules.amount.match");
        assertThat(rule.reason()).contains("exact, normalised, numeric, date, set");
        ScoringContext negative = new ScoringContext(null, Map.of("amount", new FieldRule("numeric", -1.0, false)),
                List.of(), null);
        assertThat(refusal("{\"type\": \"field-match\"}", negative).field()).isEqualTo("fieldRules.amount.tolerance");

        ScoringContext judgeWithoutRubric = ScoringContext.empty().withJudge(JUDGE);
        assertThat(refusal("{\"type\": \"llm-rubric\"}", judgeWithoutRubric).field()).isEqualTo("rubric");
        ScoringContext blankCriterion = new ScoringContext(null, Map.of(), List.of(new RubricCriterion("x", " ")),
                JUDGE);
        assertThat(refusal("{\"type\": \"llm-rubric\"}", blankCriterion).field()).isEqualTo("rubric[0].criterion");
    }

    @Test
    void aWorkableConfigurationIsAccepted() throws Exception {
        List<ScorerSpec> specs = List.of(JSON.readValue("""
                [{"type": "equals", "ignoreCase": true}, {"type": "regex", "name": "greets", "pattern": "^Hi"},
                 {"type": "json-schema"}, {"type": "field-match"}, {"type": "similar", "threshold": 0.8},
                 {"type": "chrf"}, {"type": "rouge-l", "threshold": 0.4}, {"type": "max-length", "max": 280},
                 {"type": "latency", "maxMs": 2000}, {"type": "cost", "maxUsd": 0.01}, {"type": "llm-rubric"},
                 {"type": "pairwise", "question": "Which reply is kinder?"}, {"type": "contains", "value": "x"},
                 {"type": "is-json"}]""", ScorerSpec[].class));
        ScoringContext context = new ScoringContext(JSON.readTree("{\"type\": \"object\"}"),
                Map.of("a", FieldRule.exact()), List.of(new RubricCriterion("polite", "The reply is polite.")), JUDGE);
        assertThatCode(() -> SCORERS.validate(specs, context)).doesNotThrowAnyException();
        List<Scorer> scorers = SCORERS.create(specs, context);
        assertThat(scorers).extracting(Scorer::type).containsExactlyElementsOf(Scorers.TYPES.stream()
                .filter(type -> specs.stream().anyMatch(spec -> spec.type().equals(type)))
                .sorted((a, b) -> indexOf(specs, a) - indexOf(specs, b)).toList());
        assertThat(scorers.get(1).name()).isEqualTo("greets");
        assertThat(SCORERS.create(null, null)).isEmpty();
    }

    static int indexOf(List<ScorerSpec> specs, String type) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).type().equals(type)) {
                return i;
            }
        }
        return -1;
    }
}
