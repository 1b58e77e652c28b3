package org.hybridllm.lifecycle.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Gateway calls the interaction log could not store as interactions (interaction_quarantine, V13): the row as it
 * would have been inserted, as JSON with every non-ASCII character escaped, so that text PostgreSQL refuses
 * (U+0000, an unpaired surrogate) is kept exactly and can be inspected, fixed and inserted by hand.
 */
@Repository
class InteractionQuarantine {

    static final int MAX_REASON_CHARS = 1000;

    private final JdbcClient jdbc;
    /** Pure ASCII out: U+0000 and lone surrogates as {@code \\uXXXX} escapes, which a json column stores as they are. */
    private final ObjectMapper payloadJson = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    InteractionQuarantine(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the call; one already quarantined (same call id) is kept as it is, so a retry adds nothing. */
    void insert(GatewayCall call, Integer savedPromptTokens, String sqlState, String reason) {
        String shortReason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
        jdbc.sql("""
                        insert into interaction_quarantine (call_id, use_case_id, payload, sql_state, reason)
                        values (?, ?, ?::json, ?, ?)
                        on conflict (call_id) do nothing""")
                .params(call.callId(), call.useCaseId(), payload(call, savedPromptTokens), sqlState, shortReason)
                .update();
    }

    /** The use case of a quarantined call. */
    Optional<Long> useCaseOf(UUID callId) {
        return jdbc.sql("select use_case_id from interaction_quarantine where call_id = ?").param(callId)
                .query(Long.class).optional();
    }

    /** The interaction row's columns, by name. */
    String payload(GatewayCall call, Integer savedPromptTokens) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("call_id", call.callId().toString());
        row.put("use_case_id", call.useCaseId());
        row.put("prompt_version_id", call.promptVersionId());
        row.put("model_version_id", call.modelVersionId());
        row.put("arm", call.arm());
        row.put("api_key_id", call.apiKeyId());
        row.put("subject_id", call.user());
        row.put("input", call.input());
        row.put("output", call.output());
        row.put("prompt_tokens", call.promptTokens());
        row.put("completion_tokens", call.completionTokens());
        row.put("latency_ms", GatewayCallRepository.latencyMillis(call));
        row.put("cost_usd", call.costUsd());
        row.put("created_at", call.createdAt().toString());
        row.put("saved_prompt_tokens", savedPromptTokens);
        try {
            return payloadJson.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write gateway call " + call.callId() + " as JSON", e);
        }
    }
}
