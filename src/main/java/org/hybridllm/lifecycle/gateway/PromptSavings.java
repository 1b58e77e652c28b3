package org.hybridllm.lifecycle.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prompt tokens a pruned call saved: what the prototype prompt on the base model would have been sent (counted
 * with the provider's tokenizer, no model call) minus what the fine-tuned model was actually sent; null when
 * not pruned or not countable.
 */
final class PromptSavings {

    private static final Logger log = LoggerFactory.getLogger(PromptSavings.class);

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
            try {
                OptionalInt unpruned = providers.provider(pruning.provider()).promptTokens(pruning.baseModel(),
                        pruning.prototypePrompt(), pruning.labels(), call.input());
                saved.add(unpruned.isPresent() ? unpruned.getAsInt() - call.promptTokens() : null);
            } catch (RuntimeException e) {
                // one call the tokenizer cannot count must not keep its batch (and every later call) from the log
                log.warn("Could not count the prompt tokens gateway call {} saved: {}", call.callId(), e.toString());
                saved.add(null);
            }
        }
        return saved;
    }
}
