package org.hybridllm.lifecycle.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.TrainingCost;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.hybridllm.lifecycle.api.Jsonb;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class FineTuneJobRepository {

    private static final RowMapper<FineTuneJob> MAPPER = (rs, i) -> new FineTuneJob(rs.getLong("id"),
            rs.getObject("run_id", UUID.class), rs.getLong("dataset_version_id"), rs.getString("provider"),
            rs.getString("base_model"), rs.getString("external_id"),
            FineTuneStatus.State.valueOf(rs.getString("status")), rs.getString("error"),
            rs.getString("result_model_ref"), rs.getString("served_model"), trainingCost(rs));

    private static TrainingCost trainingCost(ResultSet rs) throws SQLException {
        BigDecimal seconds = rs.getBigDecimal("training_seconds");
        return rs.getString("training_cost_basis") == null ? null : new TrainingCost(
                rs.getBigDecimal("training_cost_usd"), seconds == null ? null : seconds.doubleValue(),
                rs.getString("training_cost_basis"));
    }

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public FineTuneJobRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * The run revision's job row, created QUEUED on first call: committed before the fine-tuner is asked, so a
     * retried submit finds it (and its provider id, once submitted) instead of training twice.
     */
    public FineTuneJob insertOrGet(UUID runId, long datasetVersionId, String provider, String baseModel,
                                   Map<String, Object> hyperparameters, int revision) {
        jdbc.sql("""
                        insert into fine_tune_job (run_id, dataset_version_id, provider, base_model, hyperparameters, status,
                                                   revision)
                        values (?, ?, ?, ?, ?::jsonb, 'QUEUED', ?) on conflict (run_id, revision) do nothing""")
                .params(runId, datasetVersionId, provider, baseModel, Jsonb.write(json, hyperparameters), revision)
                .update();
        return jdbc.sql("select * from fine_tune_job where run_id = ? and revision = ?").params(runId, revision)
                .query(MAPPER).single();
    }

    /**
     * Records the provider's job id; a QUEUED job becomes RUNNING, one cancelled while it was being submitted stays
     * CANCELLED. Returns the job's status after the update.
     */
    public FineTuneStatus.State submitted(long id, String externalId) {
        return FineTuneStatus.State.valueOf(jdbc.sql("""
                        update fine_tune_job set external_id = ?, updated_at = now(),
                               status = case when status = 'QUEUED' then 'RUNNING' else status end
                        where id = ? returning status""")
                .params(externalId, id).query(String.class).single());
    }

    /**
     * Records what the fine-tuner reported, unless the job has finished meanwhile (a cancellation that committed
     * while the provider was being asked must not be overwritten by its stale "running"). Returns whether it did.
     */
    public boolean update(long id, FineTuneStatus status) {
        TrainingCost cost = status.trainingCost();
        return jdbc.sql("""
                        update fine_tune_job set status = ?, metrics = ?::jsonb, error = ?, result_model_ref = ?,
                               served_model = ?, training_cost_usd = ?, training_seconds = ?,
                               training_cost_basis = ?, updated_at = now()
                        where id = ? and status in ('QUEUED', 'RUNNING')""")
                .params(status.state().name(), Jsonb.write(json, status.metrics() == null ? Map.of() : status.metrics()),
                        status.error(), status.modelRef(), status.servedModel(), cost == null ? null : cost.usd(),
                        cost == null ? null : cost.seconds(), cost == null ? null : cost.basis(), id)
                .update() == 1;
    }

    /** Marks the run's unfinished jobs CANCELLED and returns them (so the provider can be told). */
    public List<FineTuneJob> cancelOpen(UUID runId, String reason) {
        return jdbc.sql("""
                        update fine_tune_job set status = 'CANCELLED', error = ?, updated_at = now()
                        where run_id = ? and status in ('QUEUED', 'RUNNING') returning *""")
                .params(reason, runId).query(MAPPER).list();
    }

    /** The job a provider's callback is about: the provider's own job id. */
    public Optional<FineTuneJob> findByExternalId(String externalId) {
        return jdbc.sql("select * from fine_tune_job where external_id = ? order by id desc limit 1")
                .param(externalId).query(MAPPER).optional();
    }

    public FineTuneJob get(long id) {
        return jdbc.sql("select * from fine_tune_job where id = ?").param(id).query(MAPPER).single();
    }

    public Optional<FineTuneJob> findByRun(UUID runId) {
        return jdbc.sql("select * from fine_tune_job where run_id = ? order by id desc limit 1").param(runId).query(MAPPER).optional();
    }
}
