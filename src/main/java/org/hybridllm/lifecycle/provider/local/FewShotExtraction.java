package org.hybridllm.lifecycle.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prompt-only extraction baseline: what the base model can do with the schema and the prompt's few-shot
 * examples, without training.
 * <ul>
 *   <li>A span field's candidates are the input's numbers (number fields), its matches of the field's pattern, or
 *   its runs of as many words as the examples' values have. A candidate scores by how similar its token states,
 *   and the state of the piece before it (the cue: "order", "charged"), are to those of an example's value, and
 *   by whether it is written the same way (capitals, digits). The best candidate is taken if it scores above the
 *   threshold that, left-one-out, separates the examples that have the field from those that do not (with a
 *   single example value: the best score among the examples without the field).</li>
 *   <li>A choice field takes the value of the most similar exemplar by sentence embedding: the examples (an
 *   example without the field is an exemplar of "absent") and the text "field: value"; a value the input names
 *   word for word ("refund", "USD") wins over those it does not.</li>
 * </ul>
 */
final class FewShotExtraction {

    /** A candidate written unlike every example value counts this much less. */
    private static final double OTHER_SHAPE = 0.85;
    private static final int MAX_WORDS = 8;

    private final List<ExtractionField> fields;
    private final List<SpanPrompt> spanPrompts = new ArrayList<>();
    private final List<ChoicePrompt> choicePrompts = new ArrayList<>();

    /** An example's value of a span field: its token states, its cue's state, how it is written, its words. */
    private record ShotValue(float[] value, float[] cue, String shape, int words) {
    }

    private record SpanPrompt(List<ShotValue> values, double threshold, int minWords, int maxWords) {
    }

    /** Per choice label: its exemplars' sentence embeddings, and how the input would name it (null: never). */
    private record ChoicePrompt(List<List<float[]>> exemplars, List<Pattern> mentions) {
    }

    private record Candidate(int start, int end, double score) {
    }

    FewShotExtraction(List<ExtractionField> fields, List<MiniLmTokenStates.Encoded> shots, List<JsonNode> outputs,
                      Function<String, MiniLmTokenStates.Encoded> encoder) {
        this.fields = fields;
        for (ExtractionField field : fields) {
            if (field.isSpan()) {
                spanPrompts.add(spanPrompt(field, shots, outputs));
                choicePrompts.add(null);
            } else {
                spanPrompts.add(null);
                choicePrompts.add(choicePrompt(field, shots, outputs, encoder));
            }
        }
    }

    ObjectNode extract(MiniLmTokenStates.Encoded input) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (int f = 0; f < fields.size(); f++) {
            ExtractionField field = fields.get(f);
            Optional<JsonNode> value = field.isSpan()
                    ? spanValue(field, spanPrompts.get(f), input)
                    : choiceValue(field, choicePrompts.get(f), input);
            value.ifPresent(v -> out.set(field.name(), v));
        }
        return out;
    }

    private static SpanPrompt spanPrompt(ExtractionField field, List<MiniLmTokenStates.Encoded> shots,
                                         List<JsonNode> outputs) {
        List<ShotValue> values = new ArrayList<>();
        List<Integer> owners = new ArrayList<>(); // the shot each value comes from
        List<Integer> absentShots = new ArrayList<>();
        for (int s = 0; s < shots.size(); s++) {
            JsonNode ideal = outputs.get(s).get(field.name());
            MiniLmTokenStates.Encoded shot = shots.get(s);
            if (ideal == null || ideal.isNull()) {
                absentShots.add(s);
                continue;
            }
            Optional<int[]> located = field.locate(shot.text(), ideal);
            if (located.isPresent()) {
                values.add(shotValue(shot, located.get()[0], located.get()[1]));
                owners.add(s);
            }
        }
        int minWords = values.stream().mapToInt(ShotValue::words).min().orElse(1);
        int maxWords = Math.min(MAX_WORDS, values.stream().mapToInt(ShotValue::words).max().orElse(1) + 1);
        SpanPrompt all = new SpanPrompt(values, Double.NEGATIVE_INFINITY, minWords, maxWords);
        if (values.isEmpty()) {
            return new SpanPrompt(values, Double.POSITIVE_INFINITY, minWords, maxWords);
        }
        if (absentShots.isEmpty()) {
            return all;
        }
        // left-one-out: how well each example's best candidate scores against the other examples' values
        double present = 0;
        int presentCount = 0;
        for (int v = 0; v < values.size(); v++) {
            List<ShotValue> others = new ArrayList<>(values);
            others.remove(v);
            if (!others.isEmpty()) {
                present += best(field, new SpanPrompt(others, 0, minWords, maxWords), shots.get(owners.get(v)));
                presentCount++;
            }
        }
        double absent = 0;
        double absentMax = Double.NEGATIVE_INFINITY;
        for (int s : absentShots) {
            double score = best(field, all, shots.get(s));
            absent += score;
            absentMax = Math.max(absentMax, score);
        }
        // a lone value has no other to be compared with: take what beats every candidate of the examples without it
        double threshold = presentCount == 0 ? Math.nextUp(absentMax)
                : (present / presentCount + absent / absentShots.size()) / 2;
        return new SpanPrompt(values, threshold, minWords, maxWords);
    }

    private static double best(ExtractionField field, SpanPrompt prompt, MiniLmTokenStates.Encoded input) {
        return candidates(field, prompt, input).stream().mapToDouble(Candidate::score).max().orElse(-1);
    }

    private static ShotValue shotValue(MiniLmTokenStates.Encoded shot, int start, int end) {
        int first = firstPiece(shot, start, end);
        return new ShotValue(meanState(shot, start, end), first > 0 ? shot.states()[first - 1] : null,
                shape(shot.text().substring(start, end)), wordCount(shot, start, end));
    }

    private Optional<JsonNode> spanValue(ExtractionField field, SpanPrompt prompt, MiniLmTokenStates.Encoded input) {
        return candidates(field, prompt, input).stream()
                .filter(candidate -> candidate.score() >= prompt.threshold())
                .sorted(Comparator.comparingDouble(Candidate::score).reversed())
                .map(candidate -> field.fromSpan(input.text(), candidate.start(), candidate.end()))
                .flatMap(Optional::stream)
                .findFirst();
    }

    private static List<Candidate> candidates(ExtractionField field, SpanPrompt prompt,
                                              MiniLmTokenStates.Encoded input) {
        List<int[]> ranges = new ArrayList<>();
        String text = input.text();
        if (field.kind() == ExtractionField.Kind.NUMBER) {
            NumberText.find(text).forEach(found -> ranges.add(new int[] {found.start(), found.end()}));
        } else if (field.pattern() != null) {
            Matcher match = ExtractionField.unanchored(field.pattern()).matcher(text);
            while (match.find()) {
                if (match.end() > match.start()) {
                    ranges.add(new int[] {match.start(), match.end()});
                }
            }
        } else {
            ranges.addAll(wordRuns(input, prompt.minWords(), prompt.maxWords()));
        }
        List<Candidate> candidates = new ArrayList<>();
        for (int[] range : ranges) {
            if (firstPiece(input, range[0], range[1]) >= 0) {
                candidates.add(new Candidate(range[0], range[1], score(prompt, input, range[0], range[1])));
            }
        }
        return candidates;
    }

    private static double score(SpanPrompt prompt, MiniLmTokenStates.Encoded input, int start, int end) {
        float[] value = meanState(input, start, end);
        int first = firstPiece(input, start, end);
        float[] cue = first > 0 ? input.states()[first - 1] : null;
        String shape = shape(input.text().substring(start, end));
        double best = -1;
        boolean sameShape = false;
        for (ShotValue shot : prompt.values()) {
            double similarity = cosine(value, shot.value());
            if (cue != null && shot.cue() != null) {
                similarity = (similarity + cosine(cue, shot.cue())) / 2;
            }
            best = Math.max(best, similarity);
            sameShape |= shot.shape().equals(shape);
        }
        return sameShape ? best : best * OTHER_SHAPE;
    }

    /** Runs of minWords..maxWords consecutive words that neither start nor end with punctuation. */
    private static List<int[]> wordRuns(MiniLmTokenStates.Encoded input, int minWords, int maxWords) {
        List<int[]> words = new ArrayList<>(); // [start, end) of each word
        for (int t = 0; t < input.size(); t++) {
            if (t > 0 && input.wordIds()[t] == input.wordIds()[t - 1]) {
                words.getLast()[1] = input.end()[t];
            } else {
                words.add(new int[] {input.start()[t], input.end()[t]});
            }
        }
        List<int[]> runs = new ArrayList<>();
        String text = input.text();
        for (int i = 0; i < words.size(); i++) {
            if (punctuation(text, words.get(i))) {
                continue;
            }
            for (int j = i + minWords - 1; j < Math.min(words.size(), i + maxWords); j++) {
                if (!punctuation(text, words.get(j))) {
                    runs.add(new int[] {words.get(i)[0], words.get(j)[1]});
                }
            }
        }
        return runs;
    }

    private static boolean punctuation(String text, int[] word) {
        return text.substring(word[0], word[1]).chars().noneMatch(Character::isLetterOrDigit);
    }

    private static ChoicePrompt choicePrompt(ExtractionField field, List<MiniLmTokenStates.Encoded> shots,
                                             List<JsonNode> outputs,
                                             Function<String, MiniLmTokenStates.Encoded> encoder) {
        List<List<float[]>> exemplars = new ArrayList<>();
        List<Pattern> mentions = new ArrayList<>();
        for (int k = 0; k < field.choiceLabels().size(); k++) {
            List<float[]> vectors = new ArrayList<>();
            if (k < field.values().size()) {
                String value = readable(field.values().get(k).asText());
                vectors.add(encoder.apply(readable(field.name()) + ": " + value).pooled());
                mentions.add(Pattern.compile("\\b" + Pattern.quote(value) + "\\b",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            } else {
                mentions.add(null); // "absent" is never written
            }
            for (int s = 0; s < shots.size(); s++) {
                if (field.choiceIndex(outputs.get(s).get(field.name())) == k) {
                    vectors.add(shots.get(s).pooled());
                }
            }
            exemplars.add(vectors);
        }
        return new ChoicePrompt(exemplars, mentions);
    }

    /**
     * The value of the most similar exemplar (an example, or the "field: value" text); values the input names
     * word for word come first.
     */
    private static Optional<JsonNode> choiceValue(ExtractionField field, ChoicePrompt prompt,
                                                  MiniLmTokenStates.Encoded input) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < prompt.exemplars().size(); k++) {
            Pattern mention = prompt.mentions().get(k);
            double named = mention != null && mention.matcher(input.text()).find() ? 1 : 0;
            for (float[] exemplar : prompt.exemplars().get(k)) {
                double score = named + MiniLmEmbeddings.dot(input.pooled(), exemplar);
                if (score > bestScore) {
                    bestScore = score;
                    best = k;
                }
            }
        }
        return best >= 0 && best < field.values().size() ? Optional.of(field.values().get(best)) : Optional.empty();
    }

    /** "requestedAction" → "requested action", "status_update" → "status update". */
    static String readable(String name) {
        return name.replaceAll("([a-z])([A-Z])", "$1 $2").replace('_', ' ').toLowerCase();
    }

    /** How a value is written: "Pro plan" → "Aa a", "ORD-48213" → "A-9", "$1,200" → "$9,9". */
    static String shape(String text) {
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char kind = Character.isUpperCase(c) ? 'A' : Character.isLetter(c) ? 'a'
                    : Character.isDigit(c) ? '9' : Character.isWhitespace(c) ? ' ' : c;
            if (shape.isEmpty() || shape.charAt(shape.length() - 1) != kind) {
                shape.append(kind);
            }
        }
        return shape.toString();
    }

    private static int firstPiece(MiniLmTokenStates.Encoded encoded, int start, int end) {
        for (int t = 0; t < encoded.size(); t++) {
            if (encoded.start()[t] < end && encoded.end()[t] > start) {
                return t;
            }
        }
        return -1;
    }

    private static int wordCount(MiniLmTokenStates.Encoded encoded, int start, int end) {
        int words = 0;
        int previous = -1;
        for (int t = 0; t < encoded.size(); t++) {
            if (encoded.start()[t] < end && encoded.end()[t] > start && encoded.wordIds()[t] != previous) {
                words++;
                previous = encoded.wordIds()[t];
            }
        }
        return Math.max(words, 1);
    }

    /** The normalised mean of the states of the pieces overlapping [start, end). */
    private static float[] meanState(MiniLmTokenStates.Encoded encoded, int start, int end) {
        float[] sum = new float[MiniLmTokenStates.DIMENSION];
        for (int t = 0; t < encoded.size(); t++) {
            if (encoded.start()[t] < end && encoded.end()[t] > start) {
                add(sum, encoded.states()[t]);
            }
        }
        return MiniLmEmbeddings.normalise(sum);
    }

    private static void add(float[] sum, float[] vector) {
        for (int d = 0; d < sum.length; d++) {
            sum[d] += vector[d];
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int d = 0; d < a.length; d++) {
            dot += a[d] * b[d];
            na += a[d] * a[d];
            nb += b[d] * b[d];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
