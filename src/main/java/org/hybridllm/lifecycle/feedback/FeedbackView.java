package org.hybridllm.lifecycle.feedback;

import java.time.OffsetDateTime;

/** A feedback row with the interaction it is about. */
public record FeedbackView(long id, long interactionId, String useCase, String externalId, Integer promptVersion,
                           String input, String output, Integer rating, String correctedOutput, String comment,
                           String createdBy, OffsetDateTime createdAt) {
}
