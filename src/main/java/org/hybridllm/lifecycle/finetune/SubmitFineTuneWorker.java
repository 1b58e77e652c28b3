package org.hybridllm.lifecycle.finetune;

import io.camunda.client.annotation.JobWorker;
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
import org.hybridllm.lifecycle.provider.FineTuner;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.artifact.ArtifactStore;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
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

    @JobWorker(type = "lifecycle.finetune.submit", fetchVariables = {"runId", "datasetVersionId",
            "tunedPromptVersionId"})
    public FineTuneSubmitted submit(ActivatedJob job) {
        Map<String, Object> variables = job.getVariablesAsMap();
        long datasetVersionId = ((Number) variables.get("datasetVersionId")).longValue();
        long tunedPromptVersionId = ((Number) variables.get("tunedPromptVersionId")).longValue();
        return stages.onceInTransaction(job, FineTuneSubmitted.class, runId -> submit(runId, datasetVersionId,
                tunedPromptVersionId));
    }

    FineTuneSubmitted submit(UUID runId, long datasetVersionId, long tunedPromptVersionId) {
        var run = runs.find(runId).orElseThrow();
        UseCase useCase = useCases.get(run.useCaseId());
        DatasetVersion dataset = datasets.get(datasetVersionId);
        Map<String, Object> hyperparameters = properties.hyperparameters();
        long jobId = jobs.insert(runId, datasetVersionId, useCase.fineTunerName(), useCase.baseModel(),
                hyperparameters, run.revision());
        FineTuner fineTuner = providers.fineTuner(useCase.fineTunerName());
        FineTuneRequest request = new FineTuneRequest("run-" + runId + (run.revision() == 0 ? "" : "-r" + run.revision()), useCase.baseModel(),
                fileOf(dataset.trainArtifactId()), fileOf(dataset.validationArtifactId()),
                prompts.get(tunedPromptVersionId).spec(), useCase.labels(), hyperparameters,
                artifacts.workDirectory("fine-tune"));
        String externalId = fineTuner.submit(request);
        jobs.submitted(jobId, externalId);
        audit.record(AuditLog.SYSTEM, "FINE_TUNE_SUBMITTED", "fine_tune_job", jobId, runId,
                Map.of("provider", useCase.fineTunerName(), "externalId", externalId, "datasetVersionId", datasetVersionId,
                        "hyperparameters", hyperparameters));
        return new FineTuneSubmitted(jobId, externalId);
    }

    private Path fileOf(long artifactId) {
        var artifact = artifacts.find(artifactId);
        artifacts.readVerified(artifact); // refuse to train on a split that changed since it was registered
        return Path.of(URI.create(artifact.uri()));
    }
}
