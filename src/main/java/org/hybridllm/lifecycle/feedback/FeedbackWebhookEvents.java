package org.hybridllm.lifecycle.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.webhook.FeedbackBatchEvents;
import org.springframework.stereotype.Component;

/**
 * {@code feedback.batch} webhooks: the items parsed strictly and checked as {@code POST /api/feedback} checks
 * them, then written in the webhook's transaction.
 */
@Component
class FeedbackWebhookEvents implements FeedbackBatchEvents {

    private final FeedbackIngest ingest;

    FeedbackWebhookEvents(FeedbackIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public PreparedBatch prepare(JsonNode items, String defaultUseCase, String field) {
        List<FeedbackItem> parsed = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                throw new InvalidInput(field + "[" + i + "]", "Item " + i + " must be an object.");
            }
            try {
                FeedbackItem one = ingest.parse(item);
                parsed.add(one.useCase() != null || defaultUseCase == null ? one : new FeedbackItem(defaultUseCase,
                        one.interactionId(), one.externalId(), one.input(), one.output(), one.promptVersion(),
                        one.subjectId(), one.rating(), one.correctedOutput(), one.comment()));
            } catch (InvalidInput bad) {
                throw new InvalidInput(field + "[" + i + "]." + bad.field(), "Item " + i + ": " + bad.detail());
            }
        }
        FeedbackIngest.Prepared prepared = ingest.prepare(parsed, field);
        return actor -> {
            FeedbackIngest.Ingested ingested = ingest.write(prepared, actor);
            return new WrittenBatch(ingested.items(), ingested.interactionsCreated(), ingested.feedbackCreated());
        };
    }
}
