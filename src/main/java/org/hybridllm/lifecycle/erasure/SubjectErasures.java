package org.hybridllm.lifecycle.erasure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hybridllm.lifecycle.api.Jsonb;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.feedback.PersonalData;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Erases data subjects. Each erasure is recorded in subject_erasure under the sha256 of the subject id (never the
 * id itself) with the counts so far, and audited likewise: a second request finds nothing left to delete and
 * answers the recorded counts; rows that arrived for the subject since are erased and added to them.
 */
@Service
class SubjectErasures {

    /** One subject's erasure: everything it ever removed, and the retraining it calls for. */
    record SubjectErasure(String subjectSha256, ErasureCounts counts, int requests, OffsetDateTime firstErasedAt,
                          List<Retraining.Retrain> retraining) {
    }

    private final Removal removal;
    private final PersonalData personalData;
    private final ArtifactStore artifacts;
    private final Retraining retraining;
    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final TransactionTemplate transaction;

    SubjectErasures(Removal removal, PersonalData personalData, ArtifactStore artifacts, Retraining retraining,
                    AuditLog audit, JdbcClient jdbc, ObjectMapper json, TransactionTemplate transaction) {
        this.removal = removal;
        this.personalData = personalData;
        this.artifacts = artifacts;
        this.retraining = retraining;
        this.audit = audit;
        this.jdbc = jdbc;
        this.json = json;
        this.transaction = transaction;
    }

    private record Recorded(ErasureCounts counts, int requests, OffsetDateTime firstErasedAt,
                            Set<Long> taintedChampionUseCases) {
    }

    private ErasureCounts counts(String text) {
        try {
            return json.readValue(text, ErasureCounts.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable subject_erasure result", e);
        }
    }

    SubjectErasure erase(String subjectId, String actor) {
        String hash = Sha256.of(subjectId);
        Recorded recorded = transaction.execute(status -> {
            removal.lockOutBuilds(); // also serialises erasures: the record below is read and written under it
            Optional<ErasureCounts> before = jdbc.sql(
                            "select result::text from subject_erasure where subject_sha256 = ?").param(hash).query(String.class).optional().map(this::counts);
            Removal.Removed removed = removal.remove(personalData.ofSubject(subjectId), "erasure", actor);
            ErasureCounts total = before.map(b -> b.plus(removed.counts())).orElse(removed.counts());
            jdbc.sql("""
                            insert into subject_erasure (subject_sha256, result, requested_by) values (?, ?::jsonb, ?)
                            on conflict (subject_sha256) do update
                               set result = excluded.result, requests = subject_erasure.requests + 1,
                                   last_erased_at = now()""")
                    .params(hash, Jsonb.write(json, total), actor).update();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("subjectSha256", hash);
            details.put("removedNow", removed.counts());
            details.put("total", total);
            audit.record(actor, "SUBJECT_ERASED", "subject_erasure", hash, null, details);
            return jdbc.sql("select requests, first_erased_at from subject_erasure where subject_sha256 = ?")
                    .param(hash)
                    .query((rs, i) -> new Recorded(total, rs.getInt(1), rs.getObject(2, OffsetDateTime.class),
                            removed.taintedChampionUseCases()))
                    .single();
        });
        artifacts.purgeErasedFiles(); // after the commit: the old files go only once nothing points at them
        List<Retraining.Retrain> retrain = retraining.afterRemoval(recorded.taintedChampionUseCases(),
                "erasure tainted the champion");
        return new SubjectErasure(hash, recorded.counts(), recorded.requests(), recorded.firstErasedAt(), retrain);
    }
}
