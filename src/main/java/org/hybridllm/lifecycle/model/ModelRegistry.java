package org.hybridllm.lifecycle.model;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hybridllm.lifecycle.run.RunStopped;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** model_version and model_alias (with its history, so the champion can be traced and rolled back). */
@Repository
public class ModelRegistry {

    private static final RowMapper<ModelVersion> VERSION = (rs, i) -> new ModelVersion(rs.getLong("id"),
            rs.getLong("use_case_id"), rs.getString("name"), ModelVersion.Kind.valueOf(rs.getString("kind")),
            rs.getString("provider"), rs.getString("base_model"), rs.getString("external_ref"),
            (Long) rs.getObject("artifact_id"), (Long) rs.getObject("fine_tune_job_id"),
            (Long) rs.getObject("dataset_version_id"), rs.getBoolean("tainted"));

    private static final RowMapper<ModelAlias> ALIAS = (rs, i) -> new ModelAlias(rs.getLong("use_case_id"),
            rs.getString("alias"), rs.getLong("model_version_id"), rs.getLong("prompt_version_id"),
            rs.getString("updated_by"), rs.getObject("updated_at", OffsetDateTime.class));

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    public ModelRegistry(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    public ModelVersion get(long id) {
        return jdbc.sql("select * from model_version where id = ?").param(id).query(VERSION).single();
    }

    public List<ModelVersion> findByUseCase(long useCaseId) {
        return jdbc.sql("select * from model_version where use_case_id = ? order by id").param(useCaseId)
                .query(VERSION).list();
    }

    /** The provider's base model as a model version of the use case (created on first use). */
    public ModelVersion baseModel(long useCaseId, String provider, String baseModel) {
        jdbc.sql("""
                        insert into model_version (use_case_id, name, kind, provider, base_model)
                        values (?, ?, 'BASE', ?, ?) on conflict (use_case_id, name) do nothing""")
                .params(useCaseId, provider + ":" + baseModel, provider, baseModel)
                .update();
        return jdbc.sql("select * from model_version where use_case_id = ? and name = ?")
                .params(useCaseId, provider + ":" + baseModel).query(VERSION).single();
    }

    public ModelVersion registerFineTuned(long useCaseId, String name, String provider, String baseModel,
                                          String externalRef, Long artifactId, long fineTuneJobId,
                                          long datasetVersionId) {
        jdbc.sql("""
                        insert into model_version (use_case_id, name, kind, provider, base_model, external_ref,
                                                   artifact_id, fine_tune_job_id, dataset_version_id)
                        values (?, ?, 'FINE_TUNED', ?, ?, ?, ?, ?, ?) on conflict (use_case_id, name) do nothing""")
                .params(useCaseId, name, provider, baseModel, externalRef, artifactId, fineTuneJobId,
                        datasetVersionId)
                .update();
        return jdbc.sql("select * from model_version where use_case_id = ? and name = ?")
                .params(useCaseId, name).query(VERSION).single();
    }

    public Optional<ModelAlias> alias(long useCaseId, String alias) {
        return jdbc.sql("select * from model_alias where use_case_id = ? and alias = ?")
                .params(useCaseId, alias).query(ALIAS).optional();
    }

    public void setAlias(long useCaseId, String alias, long modelVersionId, long promptVersionId, UUID runId,
                         String actor) {
        jdbc.sql("""
                        insert into model_alias (use_case_id, alias, model_version_id, prompt_version_id, updated_by,
                                                 run_id)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (use_case_id, alias) do update
                           set model_version_id = excluded.model_version_id,
                               prompt_version_id = excluded.prompt_version_id,
                               updated_by = excluded.updated_by, updated_at = now(), run_id = excluded.run_id""")
                .params(useCaseId, alias, modelVersionId, promptVersionId, actor, runId)
                .update();
        jdbc.sql("""
                        insert into model_alias_history (use_case_id, alias, model_version_id, prompt_version_id,
                                                         run_id, changed_by)
                        values (?, ?, ?, ?, ?, ?)""")
                .params(useCaseId, alias, modelVersionId, promptVersionId, runId, actor)
                .update();
        events.publishEvent(new ModelAliasChanged(useCaseId, alias));
    }

    public record AliasChange(long id, String alias, long modelVersionId, String modelName,
                              long promptVersionId, UUID runId, String changedBy, OffsetDateTime changedAt) {
    }

    /** Every change of the use case's aliases, newest first. */
    public List<AliasChange> history(long useCaseId) {
        return jdbc.sql("""
                        select h.*, m.name from model_alias_history h join model_version m on m.id = h.model_version_id
                        where h.use_case_id = ? order by h.id desc""")
                .param(useCaseId)
                .query((rs, i) -> new AliasChange(rs.getLong("id"), rs.getString("alias"),
                        rs.getLong("model_version_id"), rs.getString("name"), rs.getLong("prompt_version_id"),
                        rs.getObject("run_id", UUID.class), rs.getString("changed_by"),
                        rs.getObject("changed_at", OffsetDateTime.class)))
                .list();
    }

    /**
     * Marks every model trained on one of these dataset versions TAINTED (they were rewritten without erased
     * rows); already tainted ones stay so.
     *
     * @return the models trained on them, tainted now or before
     */
    public List<ModelVersion> taintTrainedOn(Collection<Long> datasetVersionIds) {
        if (datasetVersionIds.isEmpty()) {
            return List.of();
        }
        Long[] ids = datasetVersionIds.toArray(Long[]::new);
        jdbc.sql("""
                        update model_version set tainted = true, tainted_at = now()
                        where dataset_version_id = any(?) and not tainted""")
                .param(ids).update();
        return jdbc.sql("select * from model_version where dataset_version_id = any(?) order by id").param(ids)
                .query(VERSION).list();
    }

    /** The use case's champion, if it has one and it is tainted. */
    public Optional<ModelVersion> taintedChampion(long useCaseId) {
        return jdbc.sql("""
                        select m.* from model_alias a join model_version m on m.id = a.model_version_id
                        where a.use_case_id = ? and a.alias = 'champion' and m.tainted""")
                .param(useCaseId).query(VERSION).optional();
    }

    /** Serialises alias changes of one use case for the rest of the transaction. */
    public void lockAliases(long useCaseId) {
        jdbc.sql("select pg_advisory_xact_lock(?, ?)").params(1, (int) useCaseId).query((rs, i) -> 1).list();
    }

    public void clearAlias(long useCaseId, String alias) {
        jdbc.sql("delete from model_alias where use_case_id = ? and alias = ?").params(useCaseId, alias).update();
        events.publishEvent(new ModelAliasChanged(useCaseId, alias));
    }

    /**
     * The run stopped: a challenger it offered is no longer pending a review (rejected, cancelled, failed,
     * interrupted, champion kept; a promoted one is the champion now), so it serves no one any more.
     */
    @EventListener
    void runStopped(RunStopped stopped) {
        List<Long> useCases = jdbc.sql("delete from model_alias where alias = ? and run_id = ? returning use_case_id")
                .params(ModelAlias.CHALLENGER, stopped.runId()).query(Long.class).list();
        useCases.forEach(useCaseId -> events.publishEvent(new ModelAliasChanged(useCaseId, ModelAlias.CHALLENGER)));
    }
}
