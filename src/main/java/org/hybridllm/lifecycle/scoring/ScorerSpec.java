package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One configured scorer, as a use case stores it: {@code {"type":"regex","name":"greets","pattern":"^Hi"}}. Every
 * key other than {@code type} and {@code name} is a parameter of the scorer; the name defaults to the type.
 */
public record ScorerSpec(String type, String name, @JsonAnyGetter @JsonAnySetter Map<String, Object> params) {

    public ScorerSpec {
        name = name == null || name.isBlank() ? type : name;
        params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static ScorerSpec of(String type) {
        return new ScorerSpec(type, null, Map.of());
    }

    public static ScorerSpec of(String type, Map<String, Object> params) {
        return new ScorerSpec(type, null, params);
    }

    public ScorerSpec named(String newName) {
        return new ScorerSpec(type, newName, params);
    }
}
