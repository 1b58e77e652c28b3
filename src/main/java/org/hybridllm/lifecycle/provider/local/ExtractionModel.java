package org.hybridllm.lifecycle.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fine-tuned local extraction model, as written to its weights file: the schema's fields, the tagging head of
 * the span fields (null when there are none) and a sentence-level head per choice field (missing where training
 * had no labels for it).
 */
record ExtractionModel(List<ExtractionField> fields, TokenTagger tagger, Map<String, SoftmaxHead> choiceHeads) {

    /** The extracted object: fields in the schema's order, absent ones left out. */
    ObjectNode extract(TokenFeatures features) {
        MiniLmTokenStates.Encoded encoded = features.encoded();
        List<Optional<TokenTagger.PieceSpan>> spans = tagger == null ? List.of() : tagger.decode(features);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (ExtractionField field : fields) {
            Optional<JsonNode> value = Optional.empty();
            if (field.isSpan() && tagger != null) {
                int index = tagger.fields().indexOf(field.name());
                value = spans.get(index).flatMap(span -> {
                    int[] chars = characters(encoded, span.first(), span.last());
                    return field.fromSpan(encoded.text(), chars[0], chars[1]);
                });
            } else if (!field.isSpan() && choiceHeads.containsKey(field.name())) {
                int label = choiceHeads.get(field.name()).predict(encoded.pooled());
                value = label < field.values().size() ? Optional.of(field.values().get(label)) : Optional.empty();
            }
            value.ifPresent(v -> out.set(field.name(), v));
        }
        return out;
    }

    /** Characters [start, end) of pieces first..last, widened to whole words (a value is never half a word). */
    static int[] characters(MiniLmTokenStates.Encoded encoded, int first, int last) {
        int[] words = encoded.wordIds();
        while (first > 0 && words[first - 1] == words[first]) {
            first--;
        }
        while (last + 1 < words.length && words[last + 1] == words[last]) {
            last++;
        }
        return new int[] {encoded.start()[first], encoded.end()[last]};
    }
}
