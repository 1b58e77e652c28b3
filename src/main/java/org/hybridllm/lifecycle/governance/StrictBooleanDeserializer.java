package org.hybridllm.lifecycle.governance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;

/**
 * A JSON {@code true} or {@code false} and nothing else: Jackson would otherwise take {@code "true"}, {@code 1} or
 * {@code null} for a boolean, and a checklist item a client did not tick as such would count as ticked. The
 * refusal is a {@link MismatchedInputException}, answered as a 400 naming the item
 * ({@code checklist.PRIVACY.ticked}).
 */
final class StrictBooleanDeserializer extends StdScalarDeserializer<Boolean> {

    StrictBooleanDeserializer() {
        super(Boolean.TYPE);
    }

    @Override
    public Boolean deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
        }
        return (Boolean) context.handleUnexpectedToken(Boolean.TYPE, token, parser,
                "expected true or false, not %s", token);
    }

    /** An item with no {@code ticked} at all (only a note) is not ticked. */
    @Override
    public Object getAbsentValue(DeserializationContext context) {
        return Boolean.FALSE;
    }

    @Override
    public Boolean getNullValue(DeserializationContext context) throws MismatchedInputException {
        throw MismatchedInputException.from(context.getParser(), Boolean.TYPE, "expected true or false, not null");
    }
}
