package org.hybridllm.lifecycle.scoring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Builds a use case's scorers from their specs, refusing a spec that cannot work with an {@link InvalidScorerSpec}
 * that names the field at fault: an unknown type or parameter, a missing or ill-typed parameter, an invalid
 * regular expression or schema, a judge scorer without a judge or rubric, two scorers of one name.
 */
@Component
public class Scorers {

    public static final List<String> TYPES = List.of(EqualsScorer.TYPE, ContainsScorer.TYPE, RegexScorer.TYPE,
            IsJsonScorer.TYPE, JsonSchemaScorer.TYPE, FieldMatchScorer.TYPE, SimilarScorer.TYPE, ChrfScorer.TYPE,
            RougeLScorer.TYPE, MaxLengthScorer.TYPE, LatencyScorer.TYPE, CostScorer.TYPE, LlmRubricScorer.TYPE,
            PairwiseScorer.TYPE);

    private final TextEmbedder embedder;

    public Scorers(TextEmbedder embedder) {
        this.embedder = embedder;
    }

    public List<Scorer> create(List<ScorerSpec> specs, ScoringContext context) {
        ScoringContext given = context == null ? ScoringContext.empty() : context;
        List<Scorer> scorers = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        List<ScorerSpec> all = specs == null ? List.of() : specs;
        for (int i = 0; i < all.size(); i++) {
            ScorerSpec spec = all.get(i);
            if (spec == null) {
                throw new InvalidScorerSpec("scorers[" + i + "]", "must not be null");
            }
            ScorerParams params = new ScorerParams(spec, i);
            Integer earlier = names.putIfAbsent(spec.name(), i);
            if (earlier != null) {
                throw params.invalid("name", "scorers[" + earlier + "] is already named " + BaseScorer.quote(spec.name())
                        + "; give each scorer its own name");
            }
            scorers.add(create(params, given));
        }
        return List.copyOf(scorers);
    }

    /** The checks {@link #create} makes, for an API to refuse a configuration before storing it. */
    public void validate(List<ScorerSpec> specs, ScoringContext context) {
        create(specs, context);
    }

    private Scorer create(ScorerParams params, ScoringContext context) {
        if (params.type() == null || params.type().isBlank()) {
            throw params.invalid("type", "is required; one of " + String.join(", ", TYPES));
        }
        return switch (params.type()) {
            case EqualsScorer.TYPE -> EqualsScorer.from(params);
            case ContainsScorer.TYPE -> ContainsScorer.from(params);
            case RegexScorer.TYPE -> RegexScorer.from(params);
            case IsJsonScorer.TYPE -> IsJsonScorer.from(params);
            case JsonSchemaScorer.TYPE -> JsonSchemaScorer.from(params, context);
            case FieldMatchScorer.TYPE -> FieldMatchScorer.from(params, context);
            case SimilarScorer.TYPE -> SimilarScorer.from(params, embedder);
            case ChrfScorer.TYPE -> ChrfScorer.from(params);
            case RougeLScorer.TYPE -> RougeLScorer.from(params);
            case MaxLengthScorer.TYPE -> MaxLengthScorer.from(params);
            case LatencyScorer.TYPE -> LatencyScorer.from(params);
            case CostScorer.TYPE -> CostScorer.from(params);
            case LlmRubricScorer.TYPE -> LlmRubricScorer.from(params, context);
            case PairwiseScorer.TYPE -> PairwiseScorer.from(params, context);
            default -> throw params.invalid("type", "unknown scorer type " + BaseScorer.quote(params.type())
                    + "; one of " + String.join(", ", TYPES));
        };
    }
}
