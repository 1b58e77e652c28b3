package org.hybridllm.lifecycle.run;

import org.hybridllm.lifecycle.webhook.RunStartEvents;
import org.springframework.stereotype.Component;

/**
 * {@code run.start} webhooks (drift.alert goes through the monitor, RunService#queueForDrift): a run of the use case, queued in the webhook's transaction
 * (with its delivery row) and started by {@link RunStartDispatcher} once that commits.
 */
@Component
class RunWebhookEvents implements RunStartEvents {

    private final RunService runs;

    RunWebhookEvents(RunService runs) {
        this.runs = runs;
    }

    @Override
    public QueuedRun queue(String useCaseKey, String actor) {
        return new QueuedRun(runs.queue(useCaseKey, actor), RunStatus.QUEUED.name());
    }
}
