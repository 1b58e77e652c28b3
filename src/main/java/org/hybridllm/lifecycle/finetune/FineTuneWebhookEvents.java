package org.hybridllm.lifecycle.finetune;

import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.webhook.FineTuneCallbackEvents;
import org.springframework.stereotype.Component;

/**
 * {@code fine_tune.callback} webhooks: the run's fine-tune stage waits on the message {@value #CALLBACK_MESSAGE}
 * (bpmn/stages/fine-tune.bpmn) between polls; publishing it, correlated by run id, makes the stage check the job
 * now. A run not waiting yet gets it when it does (the message is buffered for ten minutes).
 */
@Component
class FineTuneWebhookEvents implements FineTuneCallbackEvents {

    static final String CALLBACK_MESSAGE = "fine-tune-callback";
    private static final Duration MESSAGE_TIME_TO_LIVE = Duration.ofMinutes(10);

    private final FineTuneJobRepository jobs;
    private final CamundaClient camunda;
    private final AuditLog audit;

    FineTuneWebhookEvents(FineTuneJobRepository jobs, CamundaClient camunda, AuditLog audit) {
        this.jobs = jobs;
        this.camunda = camunda;
        this.audit = audit;
    }

    @Override
    public Optional<Job> findJob(String providerJobId) {
        return jobs.findByExternalId(providerJobId).map(job -> new Job(job.id(), job.runId(), job.externalId()));
    }

    @Override
    public String wake(Job job, String reportedStatus, String messageId, String actor) {
        camunda.newPublishMessageCommand()
                .messageName(CALLBACK_MESSAGE)
                .correlationKey(job.runId().toString())
                .messageId(messageId)
                .timeToLive(MESSAGE_TIME_TO_LIVE)
                .send()
                .join();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("jobId", job.providerJobId());
        details.put("reportedStatus", reportedStatus);
        audit.record(actor, "FINE_TUNE_CALLBACK", "fine_tune_job", job.id(), job.runId(), details);
        return CALLBACK_MESSAGE;
    }
}
