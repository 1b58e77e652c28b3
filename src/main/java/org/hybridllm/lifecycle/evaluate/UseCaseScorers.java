package org.hybridllm.lifecycle.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.provider.ProviderRegistry;
import org.hybridllm.lifecycle.scoring.InvalidScorerSpec;
import org.hybridllm.lifecycle.scoring.Judge;
import org.hybridllm.lifecycle.scoring.Scorer;
import org.hybridllm.lifecycle.scoring.ScorerSpec;
import org.hybridllm.lifecycle.scoring.Scorers;
import org.hybridllm.lifecycle.scoring.ScoringContext;
import org.hybridllm.lifecycle.usecase.OutputContract;
import org.hybridllm.lifecycle.usecase.ScorerValidation;
import org.springframework.stereotype.Component;

/**
 * The scorers a use case's evaluations run: its task kind's defaults, the contract's own (same name: the
 * contract's replaces the default), and the judge scorers when a judge is configured (the rubric's, and the
 * pairwise comparison when there is a champion to compare with).
 */
@Component
public class UseCaseScorers implements ScorerValidation {

    public static final String EQUALS = "equals";
    public static final String JSON_SCHEMA = "json-schema";
    public static final String FIELD_MATCH = "field-match";
    public static final String SIMILAR = "similar";
    public static final String LLM_RUBRIC = "llm-rubric";
    public static final String PAIRWISE = "pairwise";
    private static final Set<String> JUDGED = Set.of(LLM_RUBRIC, PAIRWISE);

    private final Scorers scorers;
    private final ProviderRegistry providers;

    public UseCaseScorers(Scorers scorers, ProviderRegistry providers) {
        this.scorers = scorers;
        this.providers = providers;
    }

    /** The contract's own scorers, refused with the field named if one cannot run. */
    @Override
    public void validate(OutputContract contract) {
        List<ScorerSpec> configured = contract.scorers();
        for (int i = 0; i < configured.size(); i++) {
            ScorerSpec spec = configured.get(i);
            if (spec != null && JUDGED.contains(spec.type()) && contract.judge() == null) {
                throw new InvalidInput("scorers[" + i + "].type", "The " + spec.type() + " scorer needs a judge: "
                        + "set the use case's judge (provider and model).");
            }
        }
        try {
            scorers.validate(configured, context(contract));
        } catch (InvalidScorerSpec invalid) {
            throw new InvalidInput(invalid.field(), invalid.getMessage());
        }
    }

    /** The scorers the monitor runs on live feedback that carries an ideal output (no champion to compare with). */
    public List<Scorer> forLiveFeedback(OutputContract contract) {
        return forEvaluation(contract, false);
    }

    /** The scorers of one evaluation; {@code comparedWithChampion}: the champion's outputs are at hand. */
    List<Scorer> forEvaluation(OutputContract contract, boolean comparedWithChampion) {
        Map<String, ScorerSpec> specs = new LinkedHashMap<>();
        for (ScorerSpec spec : defaults(contract, comparedWithChampion)) {
            specs.put(spec.name(), spec);
        }
        for (ScorerSpec spec : contract.scorers()) {
            if (!spec.type().equals(PAIRWISE) || comparedWithChampion) {
                specs.put(spec.name(), spec);
            }
        }
        return scorers.create(new ArrayList<>(specs.values()), context(contract));
    }

    private static List<ScorerSpec> defaults(OutputContract contract, boolean comparedWithChampion) {
        List<ScorerSpec> defaults = new ArrayList<>();
        switch (contract.task()) {
            case CLASSIFICATION -> defaults.add(ScorerSpec.of(EQUALS));
            case EXTRACTION -> {
                defaults.add(ScorerSpec.of(JSON_SCHEMA));
                defaults.add(ScorerSpec.of(FIELD_MATCH));
            }
            case GENERATION -> {
                defaults.add(ScorerSpec.of(SIMILAR, Map.of("threshold", 0.9)));
                defaults.add(ScorerSpec.of("rouge-l"));
                defaults.add(ScorerSpec.of("chrf"));
                if (contract.judge() != null && !contract.rubric().isEmpty()) {
                    defaults.add(ScorerSpec.of(LLM_RUBRIC));
                }
                if (contract.judge() != null && comparedWithChampion) {
                    defaults.add(ScorerSpec.of(PAIRWISE));
                }
            }
        }
        return defaults;
    }

    private ScoringContext context(OutputContract contract) {
        Judge judge = contract.judge() == null || !providers.hasProvider(contract.judge().provider()) ? null
                : new ProviderJudge(providers.provider(contract.judge().provider()), contract.judge().model());
        return new ScoringContext(contract.outputSchema(), contract.fieldRules(), contract.rubric(), judge);
    }
}
