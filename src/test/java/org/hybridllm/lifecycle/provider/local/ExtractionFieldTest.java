package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractionFieldTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static List<ExtractionField> fields() throws Exception {
        JsonNode schema = new ObjectMapper().readTree("""
                {"type": "object", "required": ["action"], "properties": {
                  "orderId": {"type": "string", "pattern": "^(#[0-9]{5}|[A-Z]-[0-9]{5})$"},
                  "amount": {"type": ["number", "null"], "minimum": 0},
                  "items": {"type": "integer"},
                  "action": {"type": "string", "enum": ["refund", "cancel"]},
                  "gift": {"type": "boolean"},
                  "address": {"type": "object"}}}""");
        assertThat(ExtractionField.unsupported(schema)).containsExactly("address");
        return ExtractionField.of(schema);
    }

    @Test
    void schemaPropertiesBecomeSpanAndChoiceFields() throws Exception {
        List<ExtractionField> fields = fields();

        assertThat(fields).extracting(ExtractionField::name)
                .containsExactly("orderId", "amount", "items", "action", "gift");
        assertThat(fields).extracting(ExtractionField::kind).containsExactly(ExtractionField.Kind.TEXT,
                ExtractionField.Kind.NUMBER, ExtractionField.Kind.NUMBER, ExtractionField.Kind.CHOICE,
                ExtractionField.Kind.CHOICE);
        assertThat(fields.get(3).choiceLabels()).containsExactly("\"refund\"", "\"cancel\""); // required
        assertThat(fields.get(4).choiceLabels()).containsExactly("true", "false", ExtractionField.ABSENT);
    }

    @Test
    void spansBecomeValuesOnlyWhereTheSchemaAllowsThem() throws Exception {
        List<ExtractionField> fields = fields();
        String input = "Refund order #48213 of 2 items, I paid $1,200.50 (not -5).";
        ExtractionField orderId = fields.get(0);
        ExtractionField amount = fields.get(1);
        ExtractionField items = fields.get(2);

        // "order #48213" misses the pattern; the pattern's match inside the span is taken
        assertThat(orderId.fromSpan(input, 7, 19)).contains(NODES.textNode("#48213"));
        assertThat(orderId.fromSpan(input, 0, 6)).isEmpty();
        int dollar = input.indexOf('$');
        assertThat(amount.fromSpan(input, dollar, dollar + 9)).contains(NODES.numberNode(1200.5));
        int minus = input.indexOf("-5");
        assertThat(amount.fromSpan(input, minus, minus + 2)).isEmpty(); // below the minimum
        assertThat(items.fromSpan(input, dollar, dollar + 9)).isEmpty(); // not an integer
        assertThat(items.fromSpan(input, 23, 24)).contains(NODES.numberNode(2L));
    }

    @Test
    void idealValuesAreFoundInTheInput() throws Exception {
        List<ExtractionField> fields = fields();
        String input = "Refund order #48213, I paid $1,200.50 for the BLENDER.";
        ExtractionField product = ExtractionField.of(new ObjectMapper().readTree(
                "{\"properties\": {\"product\": {\"type\": \"string\"}}}")).getFirst();

        assertThat(fields.get(1).locate(input, NODES.numberNode(1200.5))).get()
                .satisfies(range -> assertThat(input.substring(range[0], range[1])).isEqualTo("1,200.50"));
        assertThat(product.locate(input, NODES.textNode("blender"))).get()
                .satisfies(range -> assertThat(input.substring(range[0], range[1])).isEqualTo("BLENDER"));
        assertThat(product.locate(input, NODES.textNode("toaster"))).isEmpty();
        assertThat(product.matches(NODES.textNode("Blender "), NODES.textNode("blender"))).isTrue();
        assertThat(fields.get(1).matches(NODES.numberNode(1200.50), NODES.numberNode(1200.5))).isTrue();
        assertThat(fields.get(1).matches(null, NODES.numberNode(3))).isFalse();
        assertThat(fields.get(1).matches(null, null)).isTrue();
    }
}
