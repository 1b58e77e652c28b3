package org.hybridllm.lifecycle.stage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a run's process held at the end of its earlier revisions, rebuilt from run_stage: each job type's latest
 * recorded output before a revision, laid over one another in the order they completed. An engine that lost its
 * state restarts a revision with these variables instead of going through the stages before it again.
 */
@Component
public class RecordedStages {

    private static final TypeReference<Map<String, Object>> VARIABLES = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    RecordedStages(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    private record Recorded(String stage, String output) {
    }

    /** The variables the stages recorded in the run's revisions before {@code revision}, latest per job type. */
    public Map<String, Object> variablesBefore(UUID runId, int revision) {
        List<Recorded> recorded = jdbc.sql("""
                        select stage, output::text as output from run_stage where run_id = ?
                        order by completed_at, stage""")
                .param(runId).query(Recorded.class).list();
        Map<String, Integer> latestRevision = new LinkedHashMap<>();
        for (Recorded stage : recorded) {
            int stageRevision = revisionOf(stage.stage());
            if (stageRevision < revision) {
                latestRevision.merge(jobTypeOf(stage.stage()), stageRevision, Math::max);
            }
        }
        Map<String, Object> variables = new LinkedHashMap<>();
        for (Recorded stage : recorded) {
            Integer latest = latestRevision.get(jobTypeOf(stage.stage()));
            if (latest != null && latest == revisionOf(stage.stage())) {
                variables.putAll(read(stage.output()));
            }
        }
        return variables;
    }

    /** The revision a stage key ({@link StageLedger#stageKey}) was recorded in. */
    static int revisionOf(String stageKey) {
        int at = stageKey.lastIndexOf("@r");
        return at < 0 ? 0 : Integer.parseInt(stageKey.substring(at + 2));
    }

    static String jobTypeOf(String stageKey) {
        int at = stageKey.lastIndexOf("@r");
        return at < 0 ? stageKey : stageKey.substring(0, at);
    }

    private Map<String, Object> read(String output) {
        try {
            Map<String, Object> variables = json.readValue(output, VARIABLES);
            return variables == null ? Map.of() : variables;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
