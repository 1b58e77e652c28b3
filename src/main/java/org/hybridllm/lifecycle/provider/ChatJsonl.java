package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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

    /**
     * Writes the lines of one dataset: every line has the same system prompt, so everything but the user's text
     * and the answer is encoded once, and each line costs two JSON string escapes (a dataset can have millions).
     * The bytes are those of Jackson's compact output for the same object.
     */
    public static final class Lines {

        private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
        private static final byte[] ASSISTANT = "\"},{\"role\":\"assistant\",\"content\":\""
                .getBytes(StandardCharsets.UTF_8);
        private static final byte[] END = "\"}]}\n".getBytes(StandardCharsets.UTF_8);
        private final byte[] start;

        public Lines(String systemPrompt) {
            this.start = ("{\"messages\":[{\"role\":\"system\",\"content\":\""
                    + new String(QUOTE.quoteAsString(systemPrompt)) + "\"},{\"role\":\"user\",\"content\":\"")
                    .getBytes(StandardCharsets.UTF_8);
        }

        /** One example as one line, newline included. */
        public byte[] line(Example example) {
            byte[] user = QUOTE.quoteAsUTF8(example.user());
            byte[] assistant = QUOTE.quoteAsUTF8(example.assistant());
            byte[] line = new byte[start.length + user.length + ASSISTANT.length + assistant.length + END.length];
            int at = 0;
            for (byte[] part : new byte[][] {start, user, ASSISTANT, assistant, END}) {
                System.arraycopy(part, 0, line, at, part.length);
                at += part.length;
            }
            return line;
        }
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
