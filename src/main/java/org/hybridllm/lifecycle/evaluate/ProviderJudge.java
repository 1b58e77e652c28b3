package org.hybridllm.lifecycle.evaluate;

import java.util.List;
import org.hybridllm.lifecycle.provider.ChatMessage;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.ModelProvider;
import org.hybridllm.lifecycle.provider.ModelSettings;
import org.hybridllm.lifecycle.scoring.Judge;
import org.hybridllm.lifecycle.scoring.JudgeReply;

/** A judge that is an ordinary configured chat provider: its answers priced and timed like any model call. */
final class ProviderJudge implements Judge {

    /** Deterministic grading, and room for a short reason. */
    private static final ModelSettings GRADING = new ModelSettings(0.0, 300);

    private final ModelProvider provider;
    private final String model;

    ProviderJudge(ModelProvider provider, String model) {
        this.provider = provider;
        this.model = model;
    }

    @Override
    public JudgeReply ask(String system, String user) {
        Completion answer = provider.chat(model, List.of(ChatMessage.system(system), ChatMessage.user(user)), GRADING);
        return new JudgeReply(answer.output(), answer.promptTokens(), answer.completionTokens(), answer.latencyMs(),
                answer.costUsd(), provider.name(), model);
    }
}
