package org.hybridllm.lifecycle.usecase;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.springframework.stereotype.Component;

/**
 * After V15 rewrote prompt versions as chat templates: their content addresses are recomputed from the new shape,
 * so that the same prompt posted again (in either shape) is found, not stored as a new version. Runs in Java
 * because the address is the hash of what the app's mapper writes.
 */
@Component
public class V16__RehashPromptVersions extends BaseJavaMigration {

    private final ObjectMapper hashing;

    public V16__RehashPromptVersions(ObjectMapper json) {
        this.hashing = PromptVersionRepository.hashing(json);
    }

    @Override
    public void migrate(Context context) throws Exception {
        Map<Long, String> addresses = new LinkedHashMap<>();
        try (Statement select = context.getConnection().createStatement();
             ResultSet rows = select.executeQuery("select id, purpose, spec from prompt_version order by id")) {
            while (rows.next()) {
                PromptSpec spec = hashing.readValue(rows.getString("spec"), PromptSpec.class);
                addresses.put(rows.getLong("id"), PromptVersionRepository.sha256(hashing,
                        PromptVersion.Purpose.valueOf(rows.getString("purpose")), spec));
            }
        }
        try (PreparedStatement update = context.getConnection().prepareStatement(
                "update prompt_version set sha256 = ? where id = ?")) {
            for (Map.Entry<Long, String> address : addresses.entrySet()) {
                update.setString(1, address.getValue());
                update.setLong(2, address.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }
}
