package org.hybridllm.lifecycle.run;

import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.stage.RunStates;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The run's state as the stage runner needs it, from lifecycle_run. */
@Component
class StageRunStates implements RunStates {

    private final JdbcClient jdbc;

    StageRunStates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<RunState> find(UUID runId) {
        return jdbc.sql("select status, revision from lifecycle_run where id = ?").param(runId)
                .query((rs, i) -> new RunState(RunStatus.CANCELLED.name().equals(rs.getString("status")),
                        rs.getInt("revision")))
                .optional();
    }
}
