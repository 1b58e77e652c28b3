package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The training-data format every fine-tuner takes: OpenAI's chat fine-tuning JSONL, one
 * {@code {"messages": [system, user, assistant]}} object per line.
 */
public final class ChatJsonl {

    /** One training example: what the user sent and the ideal assistant answer. */
    public record Example(String user, String assistant) {
    }

    private ChatJsonl() {
    }

    /** One example as one line, e.g. straight into a split's file. */
    public static void writeLine(ObjectMapper json, java.io.OutputStream out, String systemPrompt, Example example)
            throws java.io.IOException {
        // streamed field by field: a dataset of millions of lines builds no maps
        try (com.fasterxml.jackson.core.JsonGenerator line = json.getFactory().createGenerator(out)
                .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            line.writeStartObject();
            line.writeArrayFieldStart("messages");
            message(line, "system", systemPrompt);
            message(line, "user", example.user());
            message(line, "assistant", example.assistant());
            line.writeEndArray();
            line.writeEndObject();
        }
        out.write('\n');
    }

    private static void message(com.fasterxml.jackson.core.JsonGenerator line, String role, String content)
            throws java.io.IOException {
        line.writeStartObject();
        line.writeStringField("role", role);
        line.writeStringField("content", content);
        line.writeEndObject();
    }

    public static List<Example> read(ObjectMapper json, byte[] content) {
        List<Example> examples = new ArrayList<>();
        int lineNumber = 0;
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String user = null;
            String assistant = null;
            try {
                for (JsonNode message : json.readTree(line).path("messages")) {
                    switch (message.path("role").asText()) {
                        case "user" -> user = message.path("content").asText();
                        case "assistant" -> assistant = message.path("content").asText();
                        default -> { }
                    }
                }
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("line " + lineNumber + " is not JSON", e);
            }
            if (user == null || assistant == null) {
                throw new IllegalArgumentException("line " + lineNumber + " needs a user and an assistant message");
            }
            examples.add(new Example(user, assistant));
        }
        return examples;
    }
}
