package org.hybridllm.lifecycle.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A fine-tuned local extraction model, as written to its weights file: the schema's fields, the tagging head of
 * the span fields (null when there are none) and a sentence-level head per choice field (missing where training
 * had no labels for it) on {@link #sentenceFeatures}.
 */
record ExtractionModel(List<ExtractionField> fields, TokenTagger tagger, Map<String, SoftmaxHead> choiceHeads) {

    /** Hashed word pieces and pairs of them: the words themselves ("not urgent"), beside what they mean. */
    private static final int WORD_BUCKETS = 1024;
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?;]+");

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
                int label = choiceHeads.get(field.name()).predict(sentenceFeatures(encoded));
                value = label < field.values().size() ? Optional.of(field.values().get(label)) : Optional.empty();
            }
            value.ifPresent(v -> out.set(field.name(), v));
        }
        return out;
    }

    /**
     * What a choice head reads: the sentence embedding (mean of all states), and per dimension the maximum over
     * the input's sentences of their mean state, which keeps a short cue ("No rush.", "ASAP please.") that the
     * mean of a long ticket dilutes.
     */
    static float[] sentenceFeatures(MiniLmTokenStates.Encoded encoded) {
        int d = MiniLmTokenStates.DIMENSION;
        float[] features = new float[2 * d + WORD_BUCKETS];
        System.arraycopy(encoded.pooled(), 0, features, 0, d);
        Arrays.fill(features, d, 2 * d, Float.NEGATIVE_INFINITY);
        float[] sum = new float[d];
        int pieces = 0;
        for (int t = 0; t < encoded.size(); t++) {
            float[] state = encoded.states()[t];
            for (int i = 0; i < d; i++) {
                sum[i] += state[i];
            }
            pieces++;
            boolean sentenceEnds = t == encoded.size() - 1 || SENTENCE_END.matcher(encoded.pieces()[t]).matches();
            if (sentenceEnds) {
                for (int i = 0; i < d; i++) {
                    features[d + i] = Math.max(features[d + i], sum[i] / pieces);
                }
                Arrays.fill(sum, 0f);
                pieces = 0;
            }
        }
        if (encoded.size() == 0) {
            Arrays.fill(features, d, 2 * d, 0f);
        }
        String previous = "";
        for (String piece : encoded.pieces()) {
            features[2 * d + Math.floorMod(piece.hashCode(), WORD_BUCKETS)] = 1;
            features[2 * d + Math.floorMod((previous + " " + piece).hashCode(), WORD_BUCKETS)] = 1;
            previous = piece;
        }
        return features;
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
