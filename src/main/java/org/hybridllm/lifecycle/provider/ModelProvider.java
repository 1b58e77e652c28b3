package org.hybridllm.lifecycle.provider;

import java.util.List;
import java.util.OptionalInt;

/** Port: runs a prompt version on inputs and reports outputs, tokens, latency and cost. */
public interface ModelProvider {

    /** The adapter name use cases refer to, e.g. {@code local}. */
    String name();

    /** One completion per input, in input order. */
    List<Completion> complete(ModelRequest request);

    /**
     * The prompt tokens a call would be billed for, counted with the model's tokenizer without calling it (what a
     * pruned prompt saves is measured with this); empty when the provider cannot tell.
     */
    default OptionalInt promptTokens(ModelTarget target, PromptSpec prompt, List<LabelSpec> labels, String input) {
        return OptionalInt.empty();
    }

    /** Whether {@link #chat} works: a chat model that can answer any conversation (judges need one). */
    default boolean supportsChat() {
        return false;
    }

    /** One answer to a conversation, as the model gives it (judges grade outputs with this). */
    default Completion chat(String model, List<ChatMessage> messages, ModelSettings settings) {
        throw new UnsupportedOperationException(name() + " has no chat model");
    }
}
