package org.hybridllm.lifecycle.provider;

/**
 * The model a request goes to.
 *
 * @param provider   adapter name, e.g. {@code local}
 * @param baseModel  the provider's base model
 * @param tunedModel the fine-tuned model's reference (provider model id, or the weights file's URI); null for the
 *                   base model
 */
public record ModelTarget(String provider, String baseModel, String tunedModel) {

    public boolean isFineTuned() {
        return tunedModel != null;
    }
}
