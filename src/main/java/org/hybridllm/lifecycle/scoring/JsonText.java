package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading outputs and judge replies as JSON. Outputs are read strictly (a fenced or chatty answer is not JSON:
 * a consumer of the output could not parse it either); judge replies are read leniently, since only their
 * meaning matters.
 */
final class JsonText {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Pattern CODE_FENCE = Pattern.compile("```[a-zA-Z0-9_-]*\\s*(.*?)\\s*```", Pattern.DOTALL);

    private JsonText() {
    }

    /** The text as one JSON value, nothing before or after it but whitespace. */
    static JsonNode parse(String text) throws JsonProcessingException {
        JsonNode node = MAPPER.readTree(text == null ? "" : text);
        if (node == null || node.isMissingNode()) {
            throw new JsonProcessingException("empty output") {
            };
        }
        return node;
    }

    /** The first JSON object in a judge's reply: the whole reply, a fenced block, or the outermost braces. */
    static Optional<JsonNode> objectIn(String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        Optional<JsonNode> whole = object(reply.strip());
        if (whole.isPresent()) {
            return whole;
        }
        Matcher fence = CODE_FENCE.matcher(reply);
        while (fence.find()) {
            Optional<JsonNode> fenced = object(fence.group(1));
            if (fenced.isPresent()) {
                return fenced;
            }
        }
        int open = reply.indexOf('{');
        int close = reply.lastIndexOf('}');
        return open >= 0 && close > open ? object(reply.substring(open, close + 1)) : Optional.empty();
    }

    private static Optional<JsonNode> object(String text) {
        try {
            JsonNode node = parse(text);
            return node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A parse error in one line: what and where, without Jackson's source dump. */
    static String problem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        JsonLocation location = e.getLocation();
        if (message != null) {
            int newline = message.indexOf('\n');
            message = newline > 0 ? message.substring(0, newline) : message;
        }
        return location == null || location.getLineNr() < 0
                ? String.valueOf(message)
                : message + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
