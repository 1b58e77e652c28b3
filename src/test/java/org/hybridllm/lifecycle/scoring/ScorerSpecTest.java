package org.hybridllm.lifecycle.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorerSpecTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keysOtherThanTypeAndNameAreParams() throws Exception {
        ScorerSpec spec = JSON.readValue("{\"type\":\"regex\",\"name\":\"greets\",\"pattern\":\"^Hi\","
                + "\"ignoreCase\":true}", ScorerSpec.class);
        assertThat(spec.type()).isEqualTo("regex");
        assertThat(spec.name()).isEqualTo("greets");
        assertThat(spec.params()).containsExactlyInAnyOrderEntriesOf(Map.of("pattern", "^Hi", "ignoreCase", true));
    }

    @Test
    void theNameDefaultsToTheType() throws Exception {
        ScorerSpec spec = JSON.readValue("{\"type\":\"max-length\",\"max\":280}", ScorerSpec.class);
        assertThat(spec.name()).isEqualTo("max-length");
        assertThat(spec.params()).containsEntry("max", 280);
        assertThat(JSON.readValue("{\"type\":\"is-json\"}", ScorerSpec.class).params()).isEmpty();
    }

    @Test
    void writesTheParamsBesideTypeAndName() throws Exception {
        String written = JSON.writeValueAsString(new ScorerSpec("regex", "greets", Map.of("pattern", "^Hi")));
        assertThat(JSON.readTree(written)).isEqualTo(JSON.readTree(
                "{\"type\":\"regex\",\"name\":\"greets\",\"pattern\":\"^Hi\"}"));
        List<ScorerSpec> back = JSON.readValue("[" + written + "]", new TypeReference<>() { });
        assertThat(back).containsExactly(new ScorerSpec("regex", "greets", Map.of("pattern", "^Hi")));
    }
}
