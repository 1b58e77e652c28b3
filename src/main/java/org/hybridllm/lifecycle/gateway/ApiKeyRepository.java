package org.hybridllm.lifecycle.gateway;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ApiKeyRepository {

    /** A key as listed: never the key itself, which only its creator saw once. */
    record ApiKey(long id, String name, String prefix, Long useCaseId, String useCaseKey, String createdBy,
                  OffsetDateTime createdAt, String revokedBy, OffsetDateTime revokedAt) {

        boolean active() {
            return revokedAt == null;
        }
    }

    private static final String SELECT = """
            select k.id, k.name, k.key_prefix, k.use_case_id, u.key as use_case_key, k.created_by, k.created_at,
                   k.revoked_by, k.revoked_at
            from gateway_api_key k left join use_case u on u.id = k.use_case_id""";

    private static final RowMapper<ApiKey> MAPPER = (rs, i) -> new ApiKey(rs.getLong("id"), rs.getString("name"),
            rs.getString("key_prefix"), (Long) rs.getObject("use_case_id"), rs.getString("use_case_key"),
            rs.getString("created_by"), rs.getObject("created_at", OffsetDateTime.class), rs.getString("revoked_by"),
            rs.getObject("revoked_at", OffsetDateTime.class));

    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    ApiKey insert(String name, String prefix, String sha256, Long useCaseId, String createdBy) {
        long id = jdbc.sql("""
                        insert into gateway_api_key (name, key_prefix, key_sha256, use_case_id, created_by)
                        values (?, ?, ?, ?, ?) returning id""")
                .params(name, prefix, sha256, useCaseId, createdBy).query(Long.class).single();
        return find(id).orElseThrow();
    }

    Optional<ApiKey> find(long id) {
        return jdbc.sql(SELECT + " where k.id = ?").param(id).query(MAPPER).optional();
    }

    Optional<ApiKey> findBySha256(String sha256) {
        return jdbc.sql(SELECT + " where k.key_sha256 = ?").param(sha256).query(MAPPER).optional();
    }

    List<ApiKey> findAll() {
        return jdbc.sql(SELECT + " order by k.id").query(MAPPER).list();
    }

    /** Returns false when the key was already revoked. */
    boolean revoke(long id, String revokedBy) {
        return jdbc.sql("""
                        update gateway_api_key set revoked_by = ?, revoked_at = now()
                        where id = ? and revoked_at is null""")
                .params(revokedBy, id).update() == 1;
    }
}
