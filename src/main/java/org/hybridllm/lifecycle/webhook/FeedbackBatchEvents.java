package org.hybridllm.lifecycle.webhook;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code feedback.batch}: the module that owns feedback checks the items before the webhook records the delivery,
 * then writes them in the webhook's transaction, so that the delivery and its items are stored together or not
 * at all.
 */
public interface FeedbackBatchEvents {

    /**
     * Parses and checks every item without writing anything. A bad item is an
     * {@link org.hybridllm.lifecycle.api.InvalidInput} whose field is {@code field[index].name} (e.g.
     * {@code data.items[1].rating}) and whose detail starts with {@code Item <index>: }.
     *
     * @param items          a non-empty JSON array of feedback objects
     * @param defaultUseCase the use case of items that name none; may be null
     * @param field          where the items are in the event, e.g. {@code data.items}
     */
    PreparedBatch prepare(JsonNode items, String defaultUseCase, String field);

    /** Checked items, ready to write. */
    interface PreparedBatch {

        /** Writes every item, all or nothing, joining the caller's transaction. */
        WrittenBatch write(String actor);
    }

    record WrittenBatch(long items, long interactionsCreated, long feedbackCreated) {
    }
}
