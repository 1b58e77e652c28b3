package org.hybridllm.lifecycle.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A bound string (or map key) holds text PostgreSQL cannot store ({@link StorableText}). {@link #field()} is where
 * in the document being read, as {@code items[0].input}; taken from the parser's position when the value was
 * read, so it is exact for a streamed body and for a tree ({@code ObjectReader.readValue(JsonNode)}) alike.
 */
public class UnstorableTextException extends JsonMappingException {

    private final String field;
    private final String description;

    UnstorableTextException(JsonParser parser, String text, int index) {
        super(parser, "Text holds " + StorableText.describe(text, index) + ", which cannot be stored");
        this.field = path(parser == null ? null : parser.getParsingContext());
        this.description = StorableText.describe(text, index);
    }

    /** The path to the value, e.g. {@code evalExamples[1].input}; {@code body} for a bare string. */
    public String field() {
        return field;
    }

    /** The refusal as the API answers it. */
    public InvalidInput toInvalidInput() {
        return new InvalidInput(field, "Field '" + field + "' holds " + description
                + ", which cannot be stored; remove or replace it.");
    }

    private static String path(JsonStreamContext context) {
        Deque<String> segments = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                segments.push("." + StorableText.printable(c.getCurrentName()));
            }
        }
        if (segments.isEmpty()) {
            return "body";
        }
        String path = String.join("", segments);
        return path.startsWith(".") ? path.substring(1) : path;
    }
}
