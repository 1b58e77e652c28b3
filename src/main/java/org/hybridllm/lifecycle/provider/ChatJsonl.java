package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The training-data formats every fine-tuner takes: OpenAI's chat fine-tuning JSONL, one
 * {@code {"messages": [system, user, assistant]}} object per line, and OpenAI's preference (DPO) JSONL, one
 * {@code {"input": {"messages": [system, user]}, "preferred_output": [assistant], "non_preferred_output":
 * [assistant]}} object per line.
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

        static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
        private static final byte[] ASSISTANT = "\"},{\"role\":\"assistant\",\"content\":\""
                .getBytes(StandardCharsets.UTF_8);
        private static final byte[] END = "\"}]}\n".getBytes(StandardCharsets.UTF_8);
        private final byte[] start;

        public Lines(String systemPrompt) {
            this.start = ("{\"messages\":[{\"role\":\"system\",\"content\":\""
                    + new String(QUOTE.quoteAsString(systemPrompt)) + "\"},{\"role\":\"user\",\"content\":\"")
                    .getBytes(StandardCharsets.UTF_8);
        }

        /** A text as it stands between the quotes of a JSON string, in UTF-8. */
        public static byte[] quote(String text) {
            return QUOTE.quoteAsUTF8(text);
        }

        /** One line of texts already {@linkplain #quote quoted}, newline included. */
        public void write(OutputStream out, byte[] quotedUser, byte[] quotedAssistant) throws IOException {
            out.write(start);
            out.write(quotedUser);
            out.write(ASSISTANT);
            out.write(quotedAssistant);
            out.write(END);
        }
    }

    /** Writes preference pairs with one system prompt, as {@link Lines} writes examples. */
    public static final class PreferenceLines {

        private static final byte[] PREFERRED = "\"}]},\"preferred_output\":[{\"role\":\"assistant\",\"content\":\""
                .getBytes(StandardCharsets.UTF_8);
        private static final byte[] NON_PREFERRED = "\"}],\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\""
                .getBytes(StandardCharsets.UTF_8);
        private static final byte[] END = "\"}]}\n".getBytes(StandardCharsets.UTF_8);
        private final byte[] start;

        public PreferenceLines(String systemPrompt) {
            this.start = ("{\"input\":{\"messages\":[{\"role\":\"system\",\"content\":\""
                    + new String(Lines.QUOTE.quoteAsString(systemPrompt)) + "\"},{\"role\":\"user\",\"content\":\"")
                    .getBytes(StandardCharsets.UTF_8);
        }

        /** One pair of texts already {@linkplain Lines#quote quoted}, newline included. */
        public void write(OutputStream out, byte[] quotedUser, byte[] quotedPreferred, byte[] quotedNonPreferred)
                throws IOException {
            out.write(start);
            out.write(quotedUser);
            out.write(PREFERRED);
            out.write(quotedPreferred);
            out.write(NON_PREFERRED);
            out.write(quotedNonPreferred);
            out.write(END);
        }
    }

    /** One preference pair: the user's text, the preferred and the non-preferred answer. */
    public record Preference(String user, String preferred, String nonPreferred) {
    }

    public static List<Preference> readPreferences(ObjectMapper json, byte[] content) {
        List<Preference> pairs = new ArrayList<>();
        int lineNumber = 0;
        for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode pair = json.readTree(line);
                String user = null;
                for (JsonNode message : pair.path("input").path("messages")) {
                    if (message.path("role").asText().equals("user")) {
                        user = message.path("content").asText();
                    }
                }
                JsonNode preferred = pair.path("preferred_output").path(0).path("content");
                JsonNode nonPreferred = pair.path("non_preferred_output").path(0).path("content");
                if (user == null || !preferred.isTextual() || !nonPreferred.isTextual()) {
                    throw new IllegalArgumentException("line " + lineNumber + " needs an input with a user message, "
                            + "a preferred_output and a non_preferred_output");
                }
                pairs.add(new Preference(user, preferred.asText(), nonPreferred.asText()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("line " + lineNumber + " is not JSON", e);
            }
        }
        return pairs;
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
