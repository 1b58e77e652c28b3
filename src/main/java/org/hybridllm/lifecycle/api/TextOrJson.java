package org.hybridllm.lifecycle.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * Binds a field that is a text or a JSON value (an extraction output) to a String: a text as it is, any other
 * JSON value as its compact text, the form outputs are stored and compared in.
 */
public final class TextOrJson extends StdDeserializer<String> {

    public TextOrJson() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return context.readValue(parser, String.class);
        }
        JsonNode value = context.readTree(parser);
        return value.toString();
    }
}
