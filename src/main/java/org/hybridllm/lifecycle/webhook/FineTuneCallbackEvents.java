package org.hybridllm.lifecycle.webhook;

import java.util.Optional;
import java.util.UUID;

/**
 * {@code fine_tune.callback}: a fine-tuning provider says its job moved on; the module that owns fine-tuning jobs
 * wakes the waiting stage so that it asks the provider now rather than at its next poll.
 */
public interface FineTuneCallbackEvents {

    /** The job a callback names by the provider's own job id; empty when no job has it. */
    Optional<Job> findJob(String providerJobId);

    /**
     * Wakes the job's waiting fine-tune stage (the reported status is only a hint: the stage asks the provider)
     * and records the callback.
     *
     * @param messageId unique per delivery, so that a repeated one wakes nothing twice
     * @return the name of the message the stage was woken with
     */
    String wake(Job job, String reportedStatus, String messageId, String actor);

    /** @param providerJobId the provider's id of the job */
    record Job(long id, UUID runId, String providerJobId) {
    }
}
