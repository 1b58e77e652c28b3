package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonSchemaContractTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    static final String TICKET = """
            {"type": "object",
             "properties": {
               "orderId": {"type": "string", "pattern": "^ORD-[0-9]+$"},
               "amount": {"type": "number", "minimum": 0},
               "urgency": {"enum": ["low", "high"]},
               "due": {"type": "string", "format": "date"}
             },
             "required": ["orderId", "urgency"],
             "additionalProperties": false}
            """;

    @Test
    void aValidInstanceHasNoViolations() throws Exception {
        JsonSchemaContract contract = JsonSchemaContract.of(json(TICKET));
        assertThat(contract.violations("{\"orderId\": \"ORD-12\", \"urgency\": \"high\", \"amount\": 3.5}")).isEmpty();
    }

    @Test
    void violationsSayWhereAndWhat() throws Exception {
        JsonSchemaContract contract = JsonSchemaContract.of(json(TICKET));
        var violations = contract.violations(
                "{\"orderId\": \"12\", \"amount\": -1, \"urgency\": \"soon\", \"due\": \"31/02/2024\", \"x\": 1}");
        assertThat(violations).hasSize(5);
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("/orderId"));
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("/amount"));
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("/urgency"));
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("/due"));
        assertThat(violations).anySatisfy(v -> assertThat(v).contains("x"));
    }

    @Test
    void missingRequiredFieldIsAViolation() throws Exception {
        var violations = JsonSchemaContract.of(json(TICKET)).violations("{\"orderId\": \"ORD-1\"}");
        assertThat(violations).singleElement().asString().contains("urgency");
    }

    @Test
    void textThatIsNotJsonIsOneViolation() throws Exception {
        var violations = JsonSchemaContract.of(json(TICKET)).violations("```json\n{\"orderId\": \"ORD-1\"}\n```");
        assertThat(violations).singleElement().asString().startsWith("not JSON");
    }

    @Test
    void aSchemaWithAnUnknownTypeIsRefused() throws Exception {
        assertThat(JsonSchemaContract.problems(json("{\"type\": \"invalidtype\"}"))).isNotEmpty();
        assertThat(JsonSchemaContract.problems(json("{\"properties\": {\"a\": {\"minimum\": \"zero\"}}}")))
                .isNotEmpty();
        assertThat(JsonSchemaContract.problems(json("[1, 2]"))).isNotEmpty();
        assertThat(JsonSchemaContract.problems(null)).isNotEmpty();
        assertThatThrownBy(() -> JsonSchemaContract.of(json("{\"type\": 3}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid JSON Schema");
    }

    @Test
    void aDanglingReferenceIsRefused() throws Exception {
        assertThat(JsonSchemaContract.problems(json("{\"$ref\": \"#/$defs/nowhere\"}"))).isNotEmpty();
    }

    @Test
    void aSchemaAcceptsItsOwnExamples() throws Exception {
        assertThat(JsonSchemaContract.problems(json(TICKET))).isEmpty();
        assertThat(JsonSchemaContract.problems(json("true"))).isEmpty();
    }
}
