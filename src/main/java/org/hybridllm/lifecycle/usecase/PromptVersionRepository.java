package org.hybridllm.lifecycle.usecase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

@Repository
public class PromptVersionRepository {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public PromptVersionRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = hashing(json);
    }

    /** The mapper prompt specs are hashed with: the app's, map entries in key order. */
    static ObjectMapper hashing(ObjectMapper json) {
        return json.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    /** A prompt version's content address: its purpose and spec as the hashing mapper writes them. */
    static String sha256(ObjectMapper hashing, PromptVersion.Purpose purpose, PromptSpec spec) {
        return Sha256.of(purpose.name() + "\n" + Jsonb.write(hashing, spec));
    }

    public List<PromptVersion> findByUseCase(long useCaseId, PromptVersion.Purpose purpose) {
        return jdbc.sql("select * from prompt_version where use_case_id = ? and purpose = ? order by version")
                .params(useCaseId, purpose.name())
                .query(this::map)
                .list();
    }

    public List<PromptVersion> findByUseCase(long useCaseId) {
        return jdbc.sql("select * from prompt_version where use_case_id = ? order by version")
                .param(useCaseId).query(this::map).list();
    }

    public Optional<PromptVersion> findByVersion(long useCaseId, int version) {
        return jdbc.sql("select * from prompt_version where use_case_id = ? and version = ?")
                .params(useCaseId, version).query(this::map).optional();
    }

    public PromptVersion get(long id) {
        return jdbc.sql("select * from prompt_version where id = ?").param(id).query(this::map).single();
    }

    /** A stored prompt version, and whether this call created it (false: the same content existed). */
    public record Stored(PromptVersion version, boolean created) {
    }

    @Transactional
    public PromptVersion create(long useCaseId, PromptVersion.Purpose purpose, PromptSpec spec, String createdBy) {
        return store(useCaseId, purpose, spec, createdBy).version();
    }

    /**
     * Stores a prompt version, numbered after the use case's latest; identical content (same sha256) is not stored
     * twice and the existing version is returned.
     */
    @Transactional
    public Stored store(long useCaseId, PromptVersion.Purpose purpose, PromptSpec spec, String createdBy) {
        String specJson = Jsonb.write(json, spec);
        String sha256 = sha256(json, purpose, spec);
        // numbering is serialised per use case for the rest of the transaction
        jdbc.sql("select pg_advisory_xact_lock(?)").param(useCaseId).query((rs, i) -> 1).list();
        int inserted = jdbc.sql("""
                        insert into prompt_version (use_case_id, version, purpose, spec, sha256, created_by)
                        select ?, coalesce(max(version), 0) + 1, ?, ?::jsonb, ?, ? from prompt_version where use_case_id = ?
                        on conflict (use_case_id, sha256) do nothing""")
                .params(useCaseId, purpose.name(), specJson, sha256, createdBy, useCaseId)
                .update();
        PromptVersion stored = jdbc.sql("select * from prompt_version where use_case_id = ? and sha256 = ?")
                .params(useCaseId, sha256).query(this::map).single();
        return new Stored(stored, inserted == 1);
    }

    private PromptVersion map(ResultSet rs, int row) throws SQLException {
        try {
            return new PromptVersion(rs.getLong("id"), rs.getLong("use_case_id"), rs.getInt("version"),
                    PromptVersion.Purpose.valueOf(rs.getString("purpose")),
                    json.readValue(rs.getString("spec"), PromptSpec.class), rs.getString("sha256"),
                    rs.getString("created_by"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("prompt_version.spec is not valid JSON", e);
        }
    }
}
