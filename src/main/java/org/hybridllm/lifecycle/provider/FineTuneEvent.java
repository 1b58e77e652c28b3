package org.hybridllm.lifecycle.provider;

import java.util.Map;

/**
 * Something a fine-tuning job reported: a message, and/or a training metric at a step.
 *
 * @param eventKey unique per job: the provider's event id, or the trainer's output line number
 */
public record FineTuneEvent(String eventKey, String level, String message, Integer step, Double trainLoss,
                            Double evalLoss, Map<String, Object> data) {
}
