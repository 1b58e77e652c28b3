package org.hybridllm.lifecycle.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The whole output is one JSON value (a fenced or commented answer is not). Value 1 or 0. */
final class IsJsonScorer extends BaseScorer {

    static final String TYPE = "is-json";

    IsJsonScorer(String name) {
        super(name, TYPE);
    }

    static IsJsonScorer from(ScorerParams params) {
        params.allowOnly();
        return new IsJsonScorer(params.name());
    }

    @Override
    public Verdict score(ScoredExample example) {
        try {
            JsonNode node = JsonText.parse(example.output());
            return verdict(1, true, "output is JSON (" + node.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
        } catch (JsonProcessingException e) {
            return verdict(0, false, "output is not JSON: " + JsonText.problem(e));
        }
    }
}
