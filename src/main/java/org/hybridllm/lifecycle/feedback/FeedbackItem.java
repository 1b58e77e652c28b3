package org.hybridllm.lifecycle.feedback;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import org.hybridllm.lifecycle.api.TextOrJson;

/**
 * One piece of feedback as clients send it: about an interaction already recorded ({@code interactionId}), or
 * with the interaction itself ({@code input}, {@code output}, and an {@code externalId} that makes re-sending it
 * attach to the same interaction instead of recording it twice).
 *
 * @param promptVersion   the use case's prompt version number that produced {@code output}, if known
 * @param subjectId       the end user the input came from (for erasure requests)
 * @param rating          1 (thumbs up) or -1 (thumbs down)
 * @param output          the model's output: a label, a JSON object (extraction) or a text
 * @param correctedOutput the output the model should have given: one of the use case's labels, a JSON object that
 *                        satisfies the extraction schema, or a text
 */
public record FeedbackItem(String useCase, Long interactionId, String externalId, String input,
                           @JsonDeserialize(using = TextOrJson.class) String output,
                           Integer promptVersion, String subjectId, Integer rating,
                           @JsonDeserialize(using = TextOrJson.class) String correctedOutput,
                           String comment) {
}
