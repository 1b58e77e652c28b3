package org.hybridllm.lifecycle.feedback;

import io.camunda.client.annotation.JobWorker;
import io.camunda.client.api.response.ActivatedJob;
import java.util.UUID;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.stage.StageExecutor;
import org.springframework.stereotype.Component;

/** Stage "feedback": summarises the logged interactions and feedback, and pins the snapshot to build from. */
@Component
public class SummariseFeedbackWorker {

    public record FeedbackSummarised(long interactions, long feedbackCount, long negativeFeedback,
                                     long labelledExamples, long newLabelledExamples, long feedbackUpToId) {
    }

    private final RunRepository runs;
    private final FeedbackRepository feedback;
    private final StageExecutor stages;

    public SummariseFeedbackWorker(RunRepository runs, FeedbackRepository feedback, StageExecutor stages) {
        this.runs = runs;
        this.feedback = feedback;
        this.stages = stages;
    }

    @JobWorker(type = "lifecycle.feedback.summarise", fetchVariables = "runId")
    public FeedbackSummarised summarise(ActivatedJob job) {
        return stages.onceInTransaction(job, FeedbackSummarised.class, this::summarise);
    }

    FeedbackSummarised summarise(UUID runId) {
        FeedbackRepository.Summary s = feedback.summarise(runs.find(runId).orElseThrow().useCaseId());
        return new FeedbackSummarised(s.interactions(), s.feedback(), s.negativeFeedback(), s.labelledExamples(),
                s.newLabelledExamples(), s.feedbackUpToId());
    }
}
