package org.hybridllm.lifecycle.run;

import org.hybridllm.lifecycle.webhook.RunStartEvents;
import org.springframework.stereotype.Component;

/** {@code run.start} and {@code drift.alert} webhooks: a run of the use case, started as the API starts one. */
@Component
class RunWebhookEvents implements RunStartEvents {

    private final RunService runs;

    RunWebhookEvents(RunService runs) {
        this.runs = runs;
    }

    @Override
    public StartedRun start(String useCaseKey, String actor) {
        LifecycleRun run = runs.start(useCaseKey, actor);
        return new StartedRun(run.id(), run.status().name());
    }
}
