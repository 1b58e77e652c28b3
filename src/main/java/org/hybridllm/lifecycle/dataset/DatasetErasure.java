package org.hybridllm.lifecycle.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hybridllm.lifecycle.artifact.Artifact;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.artifact.HashedFile;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Removes feedback rows from every dataset version built from them (right to erasure, retention): each such
 * version becomes TAINTED, each split file that held one of the rows is rewritten without it (a new file and a new
 * artifact row with its own sha256, the old artifact as its parent), the training split's preference pairs
 * likewise, and the lineage arrays lose the removed ids, so position i of a split file is still its i-th feedback
 * id. A file that cannot be rewritten (missing, changed since it was registered, or not one line per lineage id)
 * is deleted and its dataset points at an erased artifact. The old files are only marked here; the caller deletes
 * them with {@link ArtifactStore#purgeErasedFiles()} once its transaction has committed.
 */
@Component
public class DatasetErasure {

    /**
     * What a removal changed; {@code removedTestInputs}: per dataset version, the user texts of the test-split rows
     * it removed (the evaluations on that split hold them too).
     */
    public record Removal(List<Long> datasetVersionIds, int filesRewritten, int filesDeleted, long rowsRemoved,
                          Map<Long, Set<String>> removedTestInputs) {

        public static final Removal NONE = new Removal(List.of(), 0, 0, 0, Map.of());
    }

    /** Taken shared by every dataset build and exclusively by a removal: no build reads rows being erased. */
    static final long ERASURE_LOCK = 0x6572617365L; // "erase"

    private final JdbcClient jdbc;
    private final ArtifactStore artifacts;
    private final DatasetRepository datasets;
    private final AuditLog audit;
    private final ObjectMapper json;

    public DatasetErasure(JdbcClient jdbc, ArtifactStore artifacts, DatasetRepository datasets, AuditLog audit,
                          ObjectMapper json) {
        this.jdbc = jdbc;
        this.artifacts = artifacts;
        this.datasets = datasets;
        this.audit = audit;
        this.json = json;
    }

    /** Waits for dataset builds in flight and keeps new ones out until the caller's transaction ends. */
    public void lockOutBuilds() {
        jdbc.sql("select pg_advisory_xact_lock(?)").param(ERASURE_LOCK).query((rs, i) -> 1).list();
    }

    /** The dataset versions whose lineage holds any of these feedback rows, without changing anything. */
    public List<Long> versionsHolding(long[] feedbackIds) {
        if (feedbackIds.length == 0) {
            return List.of();
        }
        return jdbc.sql("""
                        select distinct dataset_version_id from dataset_split_feedback
                        where feedback_ids && ? order by 1""")
                .param(feedbackIds).query(Long.class).list();
    }

    /**
     * Removes the feedback rows from every dataset version that holds them (call inside a transaction that has
     * {@linkplain #lockOutBuilds() locked out builds}; {@code reason} goes to the audit trail and the new
     * artifacts' metadata, it must hold no personal data).
     */
    public Removal removeFeedback(long[] feedbackIds, String reason, String actor) {
        List<Long> versions = versionsHolding(feedbackIds);
        if (versions.isEmpty()) {
            return Removal.NONE;
        }
        long[] removed = feedbackIds.clone();
        Arrays.sort(removed);
        int rewritten = 0;
        int deleted = 0;
        long rows = 0;
        Map<Long, Set<String>> removedTestInputs = new LinkedHashMap<>();
        for (long versionId : versions) {
            jdbc.sql("select id from dataset_version where id = ? for update").param(versionId).query(Long.class)
                    .single();
            DatasetVersion version = datasets.get(versionId);
            Map<String, Long> artifactIds = new LinkedHashMap<>();
            artifactIds.put("train", version.trainArtifactId());
            artifactIds.put("validation", version.validationArtifactId());
            artifactIds.put("test", version.testArtifactId());
            Map<String, Integer> rowCounts = new TreeMap<>();
            rowCounts.put("train", version.trainRows());
            rowCounts.put("validation", version.validationRows());
            rowCounts.put("test", version.testRows());
            Set<String> removedTrainInputs = new HashSet<>();
            Set<String> removedTest = new HashSet<>();
            boolean trainTouched = false;
            List<Map<String, Object>> changes = new ArrayList<>();
            for (String split : DatasetBuilder.SPLITS) {
                Lineage lineage = lineage(versionId, split);
                if (lineage == null) {
                    continue;
                }
                boolean[] drop = new boolean[lineage.ids().length];
                int dropped = 0;
                for (int i = 0; i < drop.length; i++) {
                    drop[i] = Arrays.binarySearch(removed, lineage.ids()[i]) >= 0;
                    dropped += drop[i] ? 1 : 0;
                }
                if (dropped == 0) {
                    continue;
                }
                trainTouched |= split.equals("train");
                rows += dropped;
                Artifact old = artifacts.find(artifactIds.get(split));
                Artifact replacement = rewrite(version, split, old, drop, split.equals("train") ? removedTrainInputs
                        : split.equals("test") ? removedTest : null, reason);
                artifacts.markErased(old.id());
                if (replacement != null) {
                    artifactIds.put(split, replacement.id());
                    rewritten++;
                } else {
                    deleted++;
                }
                rowCounts.put(split, drop.length - dropped);
                keep(versionId, split, lineage, drop);
                changes.add(Map.of("split", split, "rowsRemoved", dropped, "oldArtifactId", old.id(),
                        "newArtifactId", replacement == null ? "deleted" : replacement.id()));
            }
            Long preferenceId = version.preferenceArtifactId();
            int preferencePairs = version.preferencePairs();
            if (trainTouched && preferenceId != null) {
                Artifact old = artifacts.find(preferenceId);
                PreferenceRewrite pairs = rewritePreferences(version, old, removedTrainInputs, reason);
                if (pairs == null || pairs.removed() > 0) {
                    artifacts.markErased(old.id());
                    if (pairs != null) {
                        preferenceId = pairs.artifact().id();
                        preferencePairs = pairs.kept();
                        rewritten++;
                    } else {
                        deleted++;
                    }
                    changes.add(Map.of("split", "preferences", "oldArtifactId", old.id(),
                            "newArtifactId", pairs == null ? "deleted" : pairs.artifact().id()));
                }
            }
            String sha256 = BuildDatasetWorker.contentSha256(artifacts.find(artifactIds.get("train")).sha256(),
                    artifacts.find(artifactIds.get("validation")).sha256(),
                    artifacts.find(artifactIds.get("test")).sha256(),
                    preferenceId == null || preferencePairs == 0 ? null : artifacts.find(preferenceId).sha256());
            jdbc.sql("""
                            update dataset_version
                               set tainted = true, tainted_at = coalesce(tainted_at, now()), sha256 = ?,
                                   train_artifact_id = ?, validation_artifact_id = ?, test_artifact_id = ?,
                                   train_rows = ?, validation_rows = ?, test_rows = ?,
                                   preference_artifact_id = ?, preference_pairs = ?
                             where id = ?""")
                    .params(sha256, artifactIds.get("train"), artifactIds.get("validation"), artifactIds.get("test"),
                            rowCounts.get("train"), rowCounts.get("validation"), rowCounts.get("test"),
                            preferenceId, preferencePairs, versionId)
                    .update();
            audit.record(actor, "DATASET_TAINTED", "dataset_version", versionId, version.runId(),
                    Map.of("reason", reason, "files", changes, "sha256", sha256));
            if (!removedTest.isEmpty()) {
                removedTestInputs.put(versionId, Set.copyOf(removedTest));
            }
        }
        return new Removal(versions, rewritten, deleted, rows, removedTestInputs);
    }

    private record Lineage(long[] ids, long[] groupKeys) {
    }

    private Lineage lineage(long versionId, String split) {
        return jdbc.sql("""
                        select feedback_ids, group_keys from dataset_split_feedback
                        where dataset_version_id = ? and split = ?""")
                .params(versionId, split)
                .query((rs, i) -> new Lineage(longs(rs.getArray(1)), longs(rs.getArray(2))))
                .optional().orElse(null);
    }

    private static long[] longs(java.sql.Array array) throws java.sql.SQLException {
        if (array == null) {
            return null;
        }
        Object[] values = (Object[]) array.getArray();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] == null ? 0 : ((Number) values[i]).longValue();
        }
        return out;
    }

    /** The lineage arrays without the dropped positions (group keys stay parallel). */
    private void keep(long versionId, String split, Lineage lineage, boolean[] drop) {
        int kept = 0;
        for (boolean d : drop) {
            kept += d ? 0 : 1;
        }
        long[] ids = new long[kept];
        long[] keys = lineage.groupKeys() == null ? null : new long[kept];
        for (int i = 0, k = 0; i < drop.length; i++) {
            if (!drop[i]) {
                ids[k] = lineage.ids()[i];
                if (keys != null) {
                    keys[k] = lineage.groupKeys()[i];
                }
                k++;
            }
        }
        jdbc.sql("""
                        update dataset_split_feedback set feedback_ids = ?, group_keys = ?
                        where dataset_version_id = ? and split = ?""")
                .params(ids, keys, versionId, split).update();
    }

    /**
     * The split file without the dropped lines, stored as a new artifact; null where the old file cannot be
     * rewritten (gone, changed, or not one line per lineage id): it is then only deleted.
     */
    private Artifact rewrite(DatasetVersion version, String split, Artifact old, boolean[] drop,
                             Set<String> removedInputs, String reason) {
        Path file = Path.of(URI.create(old.uri()));
        try {
            if (!unchanged(file, old)) {
                return null;
            }
            Path work = artifacts.workDirectory("erasure");
            HashedFile out = HashedFile.create(work, split + "-", ".jsonl");
            int line = 0;
            int kept = 0;
            boolean matches = true;
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8); out) {
                for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                    if (line >= drop.length) {
                        matches = false;
                        break;
                    }
                    if (drop[line]) {
                        if (removedInputs != null) {
                            removedInputs.add(userContent(json.readTree(text).path("messages")));
                        }
                    } else {
                        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                        kept++;
                    }
                    line++;
                }
            }
            if (!matches || line != drop.length) {
                Files.deleteIfExists(out.path());
                return null;
            }
            return storeRewritten(version, BuildDatasetWorker.SPLIT_KIND, split, split + ".jsonl",
                    "openai-chat-jsonl", kept, old, out, reason);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    /** Whether the file is there, as it was registered: only then can it be rewritten line by line. */
    private static boolean unchanged(Path file, Artifact registered) throws IOException {
        return Files.isRegularFile(file) && Sha256.of(file).equals(registered.sha256());
    }

    /** A rewritten file as a new artifact, the old one its parent. */
    private Artifact storeRewritten(DatasetVersion version, String kind, String split, String name, String format,
                                    int rows, Artifact old, HashedFile out, String reason) throws IOException {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("split", split);
        metadata.put("rows", rows);
        metadata.put("format", format);
        metadata.put("rewrittenFrom", old.id());
        metadata.put("reason", reason);
        return artifacts.storeFile(version.runId(), kind, name, BuildDatasetWorker.JSONL, out, metadata,
                List.of(old.id()));
    }

    private record PreferenceRewrite(Artifact artifact, int kept, int removed) {
    }

    /** The preference pairs without those of removed training rows (matched by the user's text). */
    private PreferenceRewrite rewritePreferences(DatasetVersion version, Artifact old, Set<String> removedInputs,
                                                 String reason) {
        Path file = Path.of(URI.create(old.uri()));
        try {
            if (!unchanged(file, old)) {
                return null;
            }
            HashedFile out = HashedFile.create(artifacts.workDirectory("erasure"), "preferences-", ".jsonl");
            int kept = 0;
            int removed = 0;
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8); out) {
                for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                    if (removedInputs.contains(userContent(json.readTree(text).path("input").path("messages")))) {
                        removed++;
                    } else {
                        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                        kept++;
                    }
                }
            }
            if (removed == 0) {
                Files.deleteIfExists(out.path());
                return new PreferenceRewrite(old, kept, 0);
            }
            Artifact artifact = storeRewritten(version, BuildDatasetWorker.PREFERENCES_KIND, "train",
                    "preferences.jsonl", "openai-preference-jsonl", kept, old, out, reason);
            return new PreferenceRewrite(artifact, kept, removed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    private static String userContent(JsonNode messages) {
        for (JsonNode message : messages) {
            if (message.path("role").asText().equals("user")) {
                return message.path("content").asText();
            }
        }
        return "";
    }
}
