package org.hybridllm.lifecycle.finetune;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.dataset.DatasetRepository;
import org.hybridllm.lifecycle.dataset.DatasetVersion;
import org.hybridllm.lifecycle.model.ModelRegistry;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.artifact.Artifact;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.springframework.stereotype.Component;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Stage "fine-tune", step 3: registers the trained model as a model version (its weights as an artifact whose
 * parents are the dataset splits it was trained on). It becomes the challenger only once it beat the champion
 * (evaluate stage).
 */
@Component
public class RegisterModelWorker {

    static final String WEIGHTS_KIND = "MODEL_WEIGHTS";

    public record ModelRegistered(long candidateModelVersionId, String candidateModelName, Long weightsArtifactId) {
    }

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final DatasetRepository datasets;
    private final FineTuneJobRepository jobs;
    private final ModelRegistry models;
    private final ArtifactStore artifacts;
    private final StageExecutor stages;
    private final AuditLog audit;

    public RegisterModelWorker(RunRepository runs, UseCaseRepository useCases, DatasetRepository datasets,
                               FineTuneJobRepository jobs, ModelRegistry models, ArtifactStore artifacts,
                               StageExecutor stages, AuditLog audit) {
        this.runs = runs;
        this.useCases = useCases;
        this.datasets = datasets;
        this.jobs = jobs;
        this.models = models;
        this.artifacts = artifacts;
        this.stages = stages;
        this.audit = audit;
    }

    /** Job input: the finished fine-tuning job and the short prompt the model is served with. */
    public record RegisterInput(UUID runId, long fineTuneJobId, long tunedPromptVersionId) {
    }

    @JobWorker(type = "lifecycle.finetune.register-model")
    public ModelRegistered register(ActivatedJob job, @VariablesAsType RegisterInput input) {
        return stages.onceInTransaction(job, ModelRegistered.class,
                runId -> register(runId, input.fineTuneJobId(), input.tunedPromptVersionId()));
    }

    ModelRegistered register(UUID runId, long fineTuneJobId, long tunedPromptVersionId) {
        UseCase useCase = useCases.get(runs.find(runId).orElseThrow().useCaseId());
        FineTuneJob job = jobs.get(fineTuneJobId);
        DatasetVersion dataset = datasets.get(job.datasetVersionId());
        Long weightsArtifactId = null;
        String modelRef = job.resultModelRef();
        if (modelRef != null && modelRef.startsWith("file:")) {
            Path weights = Path.of(URI.create(modelRef));
            Map<String, Object> metadata = Map.of("fineTuneJobId", fineTuneJobId, "provider", job.provider());
            List<Long> parents = List.of(dataset.trainArtifactId(), dataset.validationArtifactId());
            // copied into the content-addressed store: the model is served from the immutable, hashed copy
            Artifact artifact;
            if (Files.isDirectory(weights)) { // a trainer's adapter directory (LoRA config + weights)
                artifact = artifacts.storeDirectory(runId, WEIGHTS_KIND, weights, metadata, parents);
            } else if (Files.isRegularFile(weights)) {
                artifact = artifacts.store(runId, WEIGHTS_KIND, weights.getFileName().toString(),
                        "application/json", readAll(weights), metadata, parents);
            } else {
                throw new IllegalStateException("fine-tuned weights missing at " + weights);
            }
            modelRef = artifact.uri();
            weightsArtifactId = artifact.id();
        }
        if (job.servedModel() != null) {
            modelRef = job.servedModel(); // the provider knows the model by this name; the weights stay linked
        }
        String name = useCase.key() + "-ft-" + runId.toString().substring(0, 8) + "-d" + dataset.version();
        // served by the use case's provider (which may differ from the trainer, e.g. vLLM serving a LoRA adapter)
        ModelVersion model = models.registerFineTuned(useCase.id(), name, useCase.provider(), job.baseModel(), modelRef,
                weightsArtifactId, fineTuneJobId, dataset.id());
        audit.record(AuditLog.SYSTEM, "MODEL_REGISTERED", "model_version", model.id(), runId,
                Map.of("name", name, "datasetVersionId", dataset.id(), "fineTuneJobId", fineTuneJobId));
        return new ModelRegistered(model.id(), name, weightsArtifactId);
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
