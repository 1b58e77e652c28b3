package org.hybridllm.lifecycle.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.hybridllm.lifecycle.provider.ProviderRegistry;

/**
 * Prompt tokens a pruned call saved: what the prototype prompt on the base model would have been sent (counted
 * with the provider's tokenizer, no model call) minus what the fine-tuned model was actually sent.
 */
final class PromptSavings {

    private PromptSavings() {
    }

    static List<Integer> savedPromptTokens(List<GatewayCall> calls, ProviderRegistry providers) {
        List<Integer> saved = new ArrayList<>(calls.size());
        for (GatewayCall call : calls) {
            GatewayCall.Pruning pruning = call.pruning();
            if (pruning == null) {
                saved.add(null);
                continue;
            }
            OptionalInt unpruned = providers.provider(pruning.provider()).promptTokens(pruning.baseModel(),
                    pruning.prototypePrompt(), pruning.labels(), call.input());
            saved.add(unpruned.isPresent() ? unpruned.getAsInt() - call.promptTokens() : null);
        }
        return saved;
    }
}
