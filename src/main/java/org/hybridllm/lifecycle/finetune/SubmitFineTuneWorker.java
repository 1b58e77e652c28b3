package org.hybridllm.lifecycle.finetune;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.dataset.DatasetRepository;
import org.hybridllm.lifecycle.dataset.DatasetVersion;
import org.hybridllm.lifecycle.usecase.PromptVersionRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.provider.FineTuneRequest;
import org.hybridllm.lifecycle.provider.FineTuneStatus;
import org.hybridllm.lifecycle.provider.FineTuner;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.hybridllm.lifecycle.stage.StageWork;
import org.springframework.stereotype.Component;

/** Stage "fine-tune", step 1: records the job and submits it to the use case's fine-tuner. */
@Component
public class SubmitFineTuneWorker {

    public record FineTuneSubmitted(long fineTuneJobId, String fineTuneExternalId) {
    }

    private final RunRepository runs;
    private final UseCaseRepository useCases;
    private final PromptVersionRepository prompts;
    private final DatasetRepository datasets;
    private final FineTuneJobRepository jobs;
    private final ProviderRegistry providers;
    private final ArtifactStore artifacts;
    private final StageExecutor stages;
    private final AuditLog audit;
    private final FineTuneProperties properties;

    public SubmitFineTuneWorker(RunRepository runs, UseCaseRepository useCases, PromptVersionRepository prompts,
                                DatasetRepository datasets, FineTuneJobRepository jobs, ProviderRegistry providers,
                                ArtifactStore artifacts, StageExecutor stages, AuditLog audit,
                                FineTuneProperties properties) {
        this.runs = runs;
        this.useCases = useCases;
        this.prompts = prompts;
        this.datasets = datasets;
        this.jobs = jobs;
        this.providers = providers;
        this.artifacts = artifacts;
        this.stages = stages;
        this.audit = audit;
        this.properties = properties;
    }

    /** Job input: the dataset version to train on and the short prompt the tuned model will be served with. */
    public record SubmitInput(UUID runId, long datasetVersionId, long tunedPromptVersionId) {
    }

    @JobWorker(type = "lifecycle.finetune.submit")
    public FineTuneSubmitted submit(ActivatedJob job, @VariablesAsType SubmitInput input) {
        return stages.once(job, FineTuneSubmitted.class, runId -> submit(runId, input));
    }

    /**
     * Submits outside any transaction (an upload to a provider may take minutes). The job row is committed first
     * (one per run revision), so an attempt that finds it already submitted reuses the provider's job.
     */
    StageWork.Recording<FineTuneSubmitted> submit(UUID runId, SubmitInput input) {
        var run = runs.find(runId).orElseThrow();
        UseCase useCase = useCases.get(run.useCaseId());
        DatasetVersion dataset = datasets.get(input.datasetVersionId());
        Map<String, Object> hyperparameters = properties.hyperparameters();
        FineTuneJob row = jobs.insertOrGet(runId, input.datasetVersionId(), useCase.fineTunerName(),
                useCase.baseModel(), hyperparameters, run.revision());
        String externalId = row.externalId();
        if (externalId == null) {
            FineTuner fineTuner = providers.fineTuner(useCase.fineTunerName());
            FineTuneRequest request = new FineTuneRequest(
                    "run-" + runId + (run.revision() == 0 ? "" : "-r" + run.revision()), useCase.baseModel(),
                    useCase.task(), fileOf(dataset.trainArtifactId()), fileOf(dataset.validationArtifactId()),
                    dataset.preferenceArtifactId() == null ? null : fileOf(dataset.preferenceArtifactId()),
                    prompts.get(input.tunedPromptVersionId()).spec(), useCase.labels(),
                    useCase.contract().outputSchema(), hyperparameters, artifacts.workDirectory("fine-tune"));
            externalId = fineTuner.submit(request);
            // recorded at once, so a cancellation committing from now on finds the provider's id and stops it
            if (jobs.submitted(row.id(), externalId) == FineTuneStatus.State.CANCELLED) {
                fineTuner.cancel(externalId); // the run was cancelled while the job was being submitted
            }
        }
        String submitted = externalId;
        return () -> {
            audit.record(AuditLog.SYSTEM, "FINE_TUNE_SUBMITTED", "fine_tune_job", row.id(), runId,
                    Map.of("provider", useCase.fineTunerName(), "externalId", submitted,
                            "datasetVersionId", input.datasetVersionId(), "hyperparameters", hyperparameters));
            return new FineTuneSubmitted(row.id(), submitted);
        };
    }

    private Path fileOf(long artifactId) {
        var artifact = artifacts.find(artifactId);
        artifacts.readVerified(artifact); // refuse to train on a split that changed since it was registered
        return Path.of(URI.create(artifact.uri()));
    }
}
