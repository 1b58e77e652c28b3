package org.hybridllm.lifecycle.dataset;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hybridllm.lifecycle.api.ApiProblems;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.artifact.Artifact;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import java.io.UncheckedIOException;

@RestController
@RequestMapping("/api/datasets")
@Tag(name = "Datasets", description = "Versioned training data built from feedback, with lineage")
public class DatasetController {

    private static final MediaType JSONL = MediaType.parseMediaType("application/jsonl");

    private final DatasetRepository datasets;
    private final UseCaseRepository useCases;
    private final ArtifactStore artifacts;

    public DatasetController(DatasetRepository datasets, UseCaseRepository useCases, ArtifactStore artifacts) {
        this.datasets = datasets;
        this.useCases = useCases;
        this.artifacts = artifacts;
    }

    @GetMapping
    @Operation(summary = "List dataset versions, newest first, optionally of one use case")
    public List<DatasetVersion> list(@RequestParam(required = false) String useCase) {
        Long useCaseId = useCase == null ? null : useCases.findByKey(useCase).map(UseCase::id)
                .orElseThrow(() -> ApiProblems.invalid("useCase", "Unknown use case '" + useCase + "'."));
        return datasets.find(useCaseId);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One dataset version")
    public DatasetVersion get(@PathVariable long id) {
        return dataset(id);
    }

    @GetMapping("/{id}/lineage")
    @Operation(summary = "What a dataset version was built from, and the jobs, models and champions built from it")
    public DatasetLineage lineage(@PathVariable long id) {
        return datasets.lineage(dataset(id));
    }

    @GetMapping(path = "/{id}/files/{split}.jsonl", produces = "application/jsonl")
    @Operation(summary = "Download a split (train, validation, test) as JSONL in the OpenAI chat fine-tuning "
            + "format, or the training split's preference pairs (preferences) in OpenAI's DPO format; streamed, "
            + "verified against its sha256 first")
    public ResponseEntity<StreamingResponseBody> download(@PathVariable long id, @PathVariable String split) {
        DatasetVersion dataset = dataset(id);
        long artifactId = switch (split) {
            case "train" -> dataset.trainArtifactId();
            case "validation" -> dataset.validationArtifactId();
            case "test" -> dataset.testArtifactId();
            case "preferences" -> {
                if (dataset.preferenceArtifactId() == null) {
                    // no correction replaced an output in its training split
                    throw ApiProblems.notFound("preference-pairs", id);
                }
                yield dataset.preferenceArtifactId();
            }
            default -> throw ApiProblems.invalid("split", "split must be train, validation, test or preferences.");
        };
        Artifact artifact = artifacts.find(artifactId);
        if (artifacts.isErased(artifactId)) {
            // an erasure could not rewrite it (gone or changed before), so it was deleted
            throw ApiProblems.problem(HttpStatus.GONE, "artifact-erased", "Gone", "The " + split + " file of dataset "
                    + id + " was deleted by an erasure or retention pass that could not rewrite it.");
        }
        Path file;
        try {
            file = artifacts.verifiedFile(artifact);
        } catch (IllegalStateException | UncheckedIOException e) {
            throw ApiProblems.conflict("artifact-corrupt", "The " + split + " file of dataset " + id
                    + " no longer matches its registered sha256 (or is missing); it is not served.");
        }
        StreamingResponseBody body = out -> Files.copy(file, out);
        return ResponseEntity.ok()
                .contentType(JSONL)
                .contentLength(artifact.bytes())
                .eTag("\"" + artifact.sha256() + "\"")
                .header("X-Content-SHA256", artifact.sha256())
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("dataset-" + dataset.version() + "-" + split + ".jsonl").build().toString())
                .body(body);
    }

    private DatasetVersion dataset(long id) {
        return datasets.findById(id).orElseThrow(() -> ApiProblems.notFound("dataset", id));
    }
}
