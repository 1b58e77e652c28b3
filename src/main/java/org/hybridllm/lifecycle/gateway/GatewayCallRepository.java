package org.hybridllm.lifecycle.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Gateway calls as interactions: one array-valued insert per batch (or per call, to find a refused one). */
@Repository
class GatewayCallRepository {

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;

    GatewayCallRepository(JdbcTemplate jdbcTemplate, JdbcClient jdbc) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = jdbc;
    }

    /** Inserts the batch; a call already logged (same call id) is skipped, so a retried batch logs nothing twice. */
    void insert(List<GatewayCall> calls, List<Integer> savedPromptTokens) {
        int n = calls.size();
        Object[] callIds = new Object[n];
        Object[] useCases = new Object[n];
        Object[] promptVersions = new Object[n];
        Object[] modelVersions = new Object[n];
        Object[] arms = new Object[n];
        Object[] keys = new Object[n];
        Object[] subjects = new Object[n];
        Object[] inputs = new Object[n];
        Object[] outputs = new Object[n];
        Object[] promptTokens = new Object[n];
        Object[] completionTokens = new Object[n];
        Object[] latencies = new Object[n];
        Object[] costs = new Object[n];
        Object[] createdAt = new Object[n];
        Object[] saved = new Object[n];
        Object[] valid = new Object[n];
        Object[] errors = new Object[n];
        for (int i = 0; i < n; i++) {
            GatewayCall call = calls.get(i);
            callIds[i] = call.callId();
            useCases[i] = call.useCaseId();
            promptVersions[i] = call.promptVersionId();
            modelVersions[i] = call.modelVersionId();
            arms[i] = call.arm();
            keys[i] = call.apiKeyId();
            subjects[i] = call.user();
            inputs[i] = call.input();
            outputs[i] = call.output();
            promptTokens[i] = call.promptTokens();
            completionTokens[i] = call.completionTokens();
            latencies[i] = latencyMillis(call);
            costs[i] = call.costUsd();
            createdAt[i] = call.createdAt();
            saved[i] = savedPromptTokens.get(i);
            valid[i] = call.outputValid();
            errors[i] = call.outputErrors();
        }
        jdbcTemplate.execute((Connection connection) -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into interaction (call_id, use_case_id, prompt_version_id, model_version_id, arm,
                                             api_key_id, subject_id, input, output, prompt_tokens, completion_tokens,
                                             latency_ms, cost_usd, created_at, saved_prompt_tokens, output_valid,
                                             output_errors)
                    select * from unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[],
                                         ?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::int[],
                                         ?::numeric[], ?::timestamptz[], ?::int[], ?::boolean[], ?::jsonb[])
                    on conflict (call_id) do nothing""")) {
                insert.setArray(1, connection.createArrayOf("uuid", callIds));
                insert.setArray(2, connection.createArrayOf("bigint", useCases));
                insert.setArray(3, connection.createArrayOf("bigint", promptVersions));
                insert.setArray(4, connection.createArrayOf("bigint", modelVersions));
                insert.setArray(5, connection.createArrayOf("text", arms));
                insert.setArray(6, connection.createArrayOf("bigint", keys));
                insert.setArray(7, connection.createArrayOf("text", subjects));
                insert.setArray(8, connection.createArrayOf("text", inputs));
                insert.setArray(9, connection.createArrayOf("text", outputs));
                insert.setArray(10, connection.createArrayOf("int4", promptTokens));
                insert.setArray(11, connection.createArrayOf("int4", completionTokens));
                insert.setArray(12, connection.createArrayOf("int4", latencies));
                insert.setArray(13, connection.createArrayOf("numeric", costs));
                insert.setArray(14, connection.createArrayOf("timestamptz", createdAt));
                insert.setArray(15, connection.createArrayOf("int4", saved));
                insert.setArray(16, connection.createArrayOf("bool", valid));
                insert.setArray(17, connection.createArrayOf("text", errors));
                return insert.executeUpdate();
            }
        });
    }

    /** The latency as stored: whole milliseconds, rounded up. */
    static int latencyMillis(GatewayCall call) {
        return (int) Math.ceil(call.latencyMs());
    }

    /** The interaction a call id was logged as, with its use case. */
    record Logged(long interactionId, long useCaseId) {
    }

    Optional<Logged> findByCallId(UUID callId) {
        return jdbc.sql("select id, use_case_id from interaction where call_id = ?").param(callId)
                .query((rs, i) -> new Logged(rs.getLong(1), rs.getLong(2))).optional();
    }
}
