package org.hybridllm.lifecycle.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.hybridllm.lifecycle.api.Jsonb;
import java.util.ArrayList;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Comparator;

/**
 * Stores artifact files content-addressed ({@code <dir>/sha256/<hash>/<name>}) and registers them in the artifact
 * table with their sha256, size and parent links. Registering the same content for the same run twice returns
 * the existing row: a retried stage never registers an artifact twice.
 */
@Component
public class ArtifactStore {

    private final Path root;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public ArtifactStore(ArtifactProperties properties, JdbcClient jdbc, ObjectMapper json) {
        this.root = properties.artifactDir().toAbsolutePath().normalize();
        this.jdbc = jdbc;
        this.json = json;
    }

    public Artifact store(UUID runId, String kind, String fileName, String mediaType, byte[] content,
                          Map<String, ?> metadata, Collection<Long> parentIds) {
        String sha256 = Sha256.of(content);
        Path target = pathFor(sha256, fileName);
        try {
            if (!Files.exists(target)) {
                Files.createDirectories(target.getParent());
                Path temp = Files.createTempFile(target.getParent(), ".incoming-", ".tmp");
                Files.write(temp, content);
                moveIntoPlace(temp, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifact " + target, e);
        }
        return register(runId, kind, target.toUri().toString(), sha256, content.length, mediaType, metadata,
                parentIds);
    }

    /**
     * Stores a directory (e.g. a LoRA adapter: config, weights, tokenizer files) content-addressed: its hash is the
     * sha256 of a manifest listing every file's relative path, size and sha256, so any change to any file gives
     * another artifact. The copy lives at {@code <dir>/sha256/<manifest hash>/<name>/} and the manifest is kept in
     * the artifact's metadata ({@code files}).
     */
    public Artifact storeDirectory(UUID runId, String kind, Path directory, Map<String, ?> metadata,
                                   Collection<Long> parentIds) {
        try {
            List<DirectoryEntry> files = manifestOf(directory);
            if (files.isEmpty()) {
                throw new IllegalArgumentException("directory " + directory + " holds no files");
            }
            byte[] manifest = json.writeValueAsBytes(files);
            String sha256 = Sha256.of(manifest);
            Path target = pathFor(sha256, directory.getFileName().toString());
            if (!Files.exists(target)) {
                Files.createDirectories(target.getParent());
                Path temp = Files.createTempDirectory(target.getParent(), ".incoming-");
                for (DirectoryEntry file : files) {
                    Path copy = temp.resolve(file.path());
                    Files.createDirectories(copy.getParent());
                    Files.copy(directory.resolve(file.path()), copy);
                }
                moveIntoPlace(temp, target);
            }
            Map<String, Object> withManifest = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
            withManifest.put("files", files);
            long bytes = files.stream().mapToLong(DirectoryEntry::bytes).sum();
            return register(runId, kind, target.toUri().toString(), sha256, bytes, DIRECTORY_MEDIA_TYPE,
                    withManifest, parentIds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store directory " + directory, e);
        }
    }

    public static final String DIRECTORY_MEDIA_TYPE = "inode/directory";

    /** One file of a stored directory, as listed in its manifest. */
    public record DirectoryEntry(String path, long bytes, String sha256) {
    }

    private static List<DirectoryEntry> manifestOf(Path directory) throws IOException {
        List<DirectoryEntry> entries = new ArrayList<>();
        try (var walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                // '/' on every platform, so the same content hashes the same everywhere
                String relative = directory.relativize(file).toString().replace(File.separatorChar, '/');
                entries.add(new DirectoryEntry(relative, Files.size(file), Sha256.of(file)));
            }
        }
        return entries;
    }

    /**
     * Moves a file the caller wrote (e.g. a dataset split streamed to disk) into the content-addressed store and
     * registers it, with the hash taken while it was written: the content is never read again nor held in memory.
     */
    public Artifact storeFile(UUID runId, String kind, String fileName, String mediaType, HashedFile file,
                              Map<String, ?> metadata, Collection<Long> parentIds) {
        Path target = pathFor(file.sha256(), fileName);
        try {
            if (Files.exists(target)) {
                Files.delete(file.path()); // the same content is stored already
            } else {
                Files.createDirectories(target.getParent());
                moveIntoPlace(file.path(), target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store artifact " + file.path(), e);
        }
        return register(runId, kind, target.toUri().toString(), file.sha256(), file.bytes(), mediaType, metadata,
                parentIds);
    }

    /** Registers a file that is already in place (e.g. written by a trainer), hashing its content. */
    public Artifact registerFile(UUID runId, String kind, Path file, String mediaType, Map<String, ?> metadata,
                                 Collection<Long> parentIds) {
        try {
            return register(runId, kind, file.toUri().toString(), Sha256.of(file), Files.size(file), mediaType,
                    metadata, parentIds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact " + file, e);
        }
    }

    private Artifact register(UUID runId, String kind, String uri, String sha256, long bytes, String mediaType,
                              Map<String, ?> metadata, Collection<Long> parentIds) {
        jdbc.sql("""
                        insert into artifact (kind, uri, sha256, bytes, media_type, metadata, run_id)
                        values (?, ?, ?, ?, ?, ?::jsonb, ?)
                        on conflict (kind, sha256, run_id) do nothing""")
                .params(kind, uri, sha256, bytes, mediaType, Jsonb.write(json, metadata == null ? Map.of() : metadata), runId)
                .update();
        Artifact artifact = jdbc.sql("""
                        select id, kind, uri, sha256, bytes, media_type, run_id from artifact
                        where kind = ? and sha256 = ? and run_id is not distinct from ?""")
                .params(kind, sha256, runId)
                .query((rs, i) -> new Artifact(rs.getLong("id"), rs.getString("kind"), rs.getString("uri"),
                        rs.getString("sha256"), rs.getLong("bytes"), rs.getString("media_type"),
                        rs.getObject("run_id", UUID.class)))
                .single();
        for (Long parentId : parentIds) {
            jdbc.sql("insert into artifact_parent (artifact_id, parent_artifact_id) values (?, ?) on conflict do nothing")
                    .params(artifact.id(), parentId)
                    .update();
        }
        return artifact;
    }

    public Artifact find(long id) {
        return jdbc.sql("select id, kind, uri, sha256, bytes, media_type, run_id from artifact where id = ?")
                .param(id)
                .query((rs, i) -> new Artifact(rs.getLong("id"), rs.getString("kind"), rs.getString("uri"),
                        rs.getString("sha256"), rs.getLong("bytes"), rs.getString("media_type"),
                        rs.getObject("run_id", UUID.class)))
                .single();
    }

    public List<Long> parentsOf(long artifactId) {
        return jdbc.sql("select parent_artifact_id from artifact_parent where artifact_id = ? order by 1")
                .param(artifactId)
                .query(Long.class)
                .list();
    }

    /** Reads an artifact's content, refusing it if it no longer matches its registered sha256. */
    public byte[] readVerified(Artifact artifact) {
        try {
            byte[] content = Files.readAllBytes(Path.of(URI.create(artifact.uri())));
            String actual = Sha256.of(content);
            if (!actual.equals(artifact.sha256())) {
                throw new IllegalStateException("artifact " + artifact.id() + " at " + artifact.uri()
                        + " was modified: sha256 " + actual + " != registered " + artifact.sha256());
            }
            return content;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact " + artifact.uri(), e);
        }
    }

    /**
     * The artifact's file, checked against its registered sha256 by streaming it (no copy in memory), so a caller
     * can then stream it on; a file that changed since it was registered is refused.
     */
    public Path verifiedFile(Artifact artifact) {
        Path file = Path.of(URI.create(artifact.uri()));
        try {
            String actual = Sha256.of(file);
            if (!actual.equals(artifact.sha256())) {
                throw new IllegalStateException("artifact " + artifact.id() + " at " + artifact.uri()
                        + " was modified: sha256 " + actual + " != registered " + artifact.sha256());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact " + artifact.uri(), e);
        }
    }

    /**
     * Marks an artifact's content as erased (it held rows a data subject's erasure or a retention period removed):
     * the row stays for lineage, its file is deleted by {@link #purgeErasedFiles()} once the caller has committed.
     */
    public void markErased(long artifactId) {
        jdbc.sql("update artifact set erased_at = coalesce(erased_at, now()) where id = ?").param(artifactId).update();
    }

    public boolean isErased(long artifactId) {
        return jdbc.sql("select erased_at is not null from artifact where id = ?").param(artifactId)
                .query(Boolean.class).single();
    }

    /**
     * Deletes the files of erased artifacts that are still on disk, unless a live artifact shares the file (same
     * content, same name); also what a crash between an erasure's commit and its deletions left behind.
     *
     * @return the files deleted
     */
    public int purgeErasedFiles() {
        List<String> uris = jdbc.sql("""
                        select distinct e.uri from artifact e
                        where e.erased_at is not null
                          and not exists (select 1 from artifact l where l.uri = e.uri and l.erased_at is null)""")
                .query(String.class).list();
        int deleted = 0;
        for (String uri : uris) {
            Path file = Path.of(URI.create(uri));
            if (!file.normalize().startsWith(root)) {
                continue; // registered in place by a trainer: not the store's to delete
            }
            try {
                if (Files.isDirectory(file)) {
                    try (var walk = Files.walk(file)) {
                        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                    deleted++;
                } else if (Files.deleteIfExists(file)) {
                    deleted++;
                }
                Path parent = file.getParent();
                if (parent != null && Files.isDirectory(parent)) {
                    try (var left = Files.list(parent)) {
                        if (left.findAny().isEmpty()) {
                            Files.deleteIfExists(parent);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete erased artifact " + file, e);
            }
        }
        return deleted;
    }

    public Path workDirectory(String purpose) {
        try {
            return Files.createDirectories(root.resolve("work").resolve(purpose));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path pathFor(String sha256, String fileName) {
        return root.resolve("sha256").resolve(sha256).resolve(fileName);
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

}
