package org.hybridllm.lifecycle.provider.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.hybridllm.lifecycle.provider.FineTuneEvent;

/**
 * The trainer's stdout, read line by line while it is being written. A line that is a JSON object is a progress
 * report ({@code step}, {@code loss}, {@code eval_loss}, {@code epoch}, {@code message}, {@code level}, anything
 * else kept as data); other lines (progress bars, library logs) stay in the log file only. The event key is the
 * line number, so reading the file again after a restart records nothing twice.
 */
final class ProgressLines implements AutoCloseable {

    record Line(long number, String text, Optional<FineTuneEvent> event) {
    }

    private final Path file;
    private final ObjectMapper json;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private InputStream in;
    private long lineNumber;
    private Line pending;

    ProgressLines(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    /** The next complete line, without consuming it; empty when the trainer has not finished writing one. */
    Optional<Line> peek() throws IOException {
        if (pending != null) {
            return Optional.of(pending);
        }
        if (in == null) {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            in = new BufferedInputStream(Files.newInputStream(file)); // keeps reading as the file grows
        }
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = partial.toString(StandardCharsets.UTF_8).stripTrailing();
                partial.reset();
                lineNumber++;
                pending = new Line(lineNumber, text, parse(lineNumber, text));
                return Optional.of(pending);
            }
            partial.write(b);
        }
        return Optional.empty(); // at the end of what is written so far; more may come
    }

    void advance() {
        pending = null;
    }

    Optional<FineTuneEvent> parse(long number, String text) {
        if (!text.startsWith("{")) {
            return Optional.empty();
        }
        JsonNode line;
        try {
            line = json.readTree(text);
        } catch (IOException e) {
            return Optional.empty(); // a log line that happens to start with '{'
        }
        if (!line.isObject()) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = json.convertValue(line, Map.class);
        Integer step = line.path("step").isNumber() ? line.path("step").asInt() : null;
        Double loss = number(line, "loss", "train_loss");
        Double evalLoss = number(line, "eval_loss");
        String message = line.path("message").isTextual() ? line.path("message").asText() : null;
        String level = line.path("level").isTextual() ? line.path("level").asText().toUpperCase() : "INFO";
        return Optional.of(new FineTuneEvent("line-" + number, level, message, step, loss, evalLoss, data));
    }

    private static Double number(JsonNode line, String... names) {
        for (String name : names) {
            if (line.path(name).isNumber()) {
                return line.path(name).asDouble();
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
