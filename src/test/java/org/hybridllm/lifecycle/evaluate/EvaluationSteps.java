package org.hybridllm.lifecycle.evaluate;

import java.util.List;
import org.hybridllm.lifecycle.model.ModelVersion;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.usecase.PromptVersion;
import org.hybridllm.lifecycle.usecase.UseCase;

/**
 * The two steps of {@link Evaluator#score}, for the scorer-overhead benchmark to time apart: the provider request
 * it sends, and the scoring of the provider's completions (no champion: what the prompt-iteration and champion
 * evaluations run).
 */
public final class EvaluationSteps {

    public static ModelRequest request(UseCase useCase, ModelVersion model, PromptVersion prompt,
                                       List<LabelledExample> examples) {
        return Evaluator.request(useCase, model, prompt, examples);
    }

    public static Evaluation score(UseCaseScorers scorers, UseCase useCase, List<LabelledExample> examples,
                                   List<Completion> completions) {
        return Evaluator.evaluate(scorers, useCase, examples, completions, null);
    }

    private EvaluationSteps() {
    }
}
