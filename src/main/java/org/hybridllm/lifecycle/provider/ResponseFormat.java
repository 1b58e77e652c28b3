package org.hybridllm.lifecycle.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a prompt asks the provider to constrain the answer to: free text, any JSON object, or JSON that satisfies
 * the use case's output schema (OpenAI's structured outputs, where the server supports it; the output is always
 * validated, never coerced).
 */
public enum ResponseFormat {
    TEXT, JSON_OBJECT, JSON_SCHEMA;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ResponseFormat of(String value) {
        return Arrays.stream(values()).filter(f -> f.wireName().equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("responseFormat must be one of text, json_object, "
                        + "json_schema, not '" + value + "'"));
    }
}
