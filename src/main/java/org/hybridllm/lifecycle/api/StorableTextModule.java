package org.hybridllm.lifecycle.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Jackson module that refuses, while binding, every string value and map key holding text PostgreSQL cannot
 * store ({@link StorableText}) with an {@link UnstorableTextException} that knows the value's path. Registered on
 * the mapper that reads request bodies ({@link StorableTextConfiguration}) and on readers of client input such as
 * the feedback stream ({@link #strict}); not on the app's shared mapper, which also reads files and rows the app
 * wrote itself.
 */
public final class StorableTextModule extends SimpleModule {

    public StorableTextModule() {
        super("storable-text");
        addDeserializer(String.class, new StorableStringDeserializer());
        addKeyDeserializer(String.class, new StorableKeyDeserializer());
        addDeserializer(JsonNode.class, new StorableTreeDeserializer());
    }

    /** A copy of {@code mapper} (same configuration) that refuses unstorable text. */
    public static ObjectMapper strict(ObjectMapper mapper) {
        return mapper.copy().registerModule(new StorableTextModule());
    }

    private static final class StorableStringDeserializer extends StdScalarDeserializer<String> {

        StorableStringDeserializer() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return checked(parser, StringDeserializer.instance.deserialize(parser, context));
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public Object getEmptyValue(DeserializationContext context) {
            return "";
        }
    }

    private static final class StorableKeyDeserializer extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext context) throws IOException {
            return checked(context.getParser(), key);
        }
    }

    /** JSON values taken as they are (an expected output, a schema): every text and field name in them checked. */
    private static final class StorableTreeDeserializer extends StdDeserializer<JsonNode> {

        StorableTreeDeserializer() {
            super(JsonNode.class);
        }

        @Override
        public JsonNode deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            @SuppressWarnings("unchecked")
            JsonNode node = ((JsonDeserializer<JsonNode>)
                    JsonNodeDeserializer.getDeserializer(JsonNode.class)).deserialize(parser, context);
            check(parser, node);
            return node;
        }

        private static void check(JsonParser parser, JsonNode node) throws UnstorableTextException {
            if (node.isTextual()) {
                checked(parser, node.asText());
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                checked(parser, field.getKey());
                check(parser, field.getValue());
            }
            if (node.isArray()) {
                for (JsonNode element : node) {
                    check(parser, element);
                }
            }
        }
    }

    private static String checked(JsonParser parser, String text) throws UnstorableTextException {
        int bad = StorableText.firstUnstorable(text);
        if (bad >= 0) {
            throw new UnstorableTextException(parser, text, bad);
        }
        return text;
    }
}
