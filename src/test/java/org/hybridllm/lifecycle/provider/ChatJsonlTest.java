package org.hybridllm.lifecycle.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatJsonlTest {

    final ObjectMapper json = new ObjectMapper();

    @Test
    void aLineIsWhatJacksonWritesForTheSameObjectAndReadsBack() throws Exception {
        String system = "Classify: \"billing\", refund\\shipping\n(one word) — ok";
        ChatJsonl.Lines lines = new ChatJsonl.Lines(system);
        for (ChatJsonl.Example example : List.of(new ChatJsonl.Example("plain text", "billing"),
                new ChatJsonl.Example("quotes \" and \\ back\tslash\r\nnew line \u0001 \u001f", "re\"fund"),
                new ChatJsonl.Example("ünïcødé — 日本語 🙂 </script>", "shipping"),
                new ChatJsonl.Example("", ""))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            lines.write(out, ChatJsonl.Lines.quote(example.user()), ChatJsonl.Lines.quote(example.assistant()));
            byte[] line = out.toByteArray();
            String expected = json.writeValueAsString(Map.of("messages", List.of(
                    message("system", system), message("user", example.user()),
                    message("assistant", example.assistant())))) + "\n";
            assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo(expected);
            assertThat(ChatJsonl.read(json, line)).containsExactly(example);
        }
    }

    private static Map<String, String> message(String role, String content) {
        Map<String, String> message = new LinkedHashMap<>(); // role first, as in the file
        message.put("role", role);
        message.put("content", content);
        return message;
    }
}
