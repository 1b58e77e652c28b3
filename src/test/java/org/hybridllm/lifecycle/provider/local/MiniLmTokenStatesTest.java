package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmTokenStatesTest {

    private static MiniLmTokenStates model;

    @BeforeAll
    static void load() {
        model = new MiniLmTokenStates();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void piecesCarryTheirCharacterOffsetsInTheOriginalText() {
        String text = "Refund ORD-48213: charged $1,200 twice!";
        MiniLmTokenStates.Encoded encoded = model.encode(text);

        assertThat(encoded.pieces()).containsExactly("ref", "##und", "or", "##d", "-", "48", "##21", "##3", ":",
                "charged", "$", "1", ",", "200", "twice", "!");
        for (int i = 0; i < encoded.size(); i++) {
            String covered = text.substring(encoded.start()[i], encoded.end()[i]).toLowerCase();
            assertThat(covered).isEqualTo(encoded.pieces()[i].replace("##", ""));
        }
        // "ORD-48213" is three words for BERT's pre-tokenizer: ORD, -, 48213
        assertThat(encoded.wordIds()).startsWith(0, 0, 1, 1, 2, 3, 3, 3, 4);
    }

    @Test
    void oneHiddenStatePerPieceOf384DimensionsAndRepeatable() {
        String text = "My order ORD-10077 arrived broken, please send a replacement.";
        MiniLmTokenStates.Encoded first = model.encode(text);
        MiniLmTokenStates fresh = new MiniLmTokenStates();
        MiniLmTokenStates.Encoded again = fresh.encode(text);
        fresh.close();

        assertThat(first.states()).hasNumberOfRows(first.size());
        assertThat(first.states()[0]).hasSize(384);
        for (int i = 0; i < first.size(); i++) {
            assertThat(again.states()[i]).containsExactly(first.states()[i]);
        }
        // contextual states: the same piece in two contexts gets two different states
        MiniLmTokenStates.Encoded other = model.encode("order a replacement");
        assertThat(other.states()[1]).isNotEqualTo(first.states()[1]);
    }

    @Test
    void pooledStatesAreTheSentenceEmbeddingOfTheClassificationModel() {
        String text = "I was double charged for my Pro subscription this month.";
        MiniLmEmbeddings.Embedded sentence = new MiniLmEmbeddings().embed(text);

        MiniLmTokenStates.Encoded encoded = model.encode(text);

        assertThat(MiniLmEmbeddings.dot(encoded.pooled(), sentence.vector())).isGreaterThan(0.9999);
        assertThat(model.tokens(text)).isEqualTo(sentence.tokens()).isEqualTo(encoded.size());
    }

    @Test
    void longTextsAreEncodedWindowByWindowWithoutLosingPieces() {
        String text = "The parcel for order ORD-55555 never arrived. ".repeat(60);
        MiniLmTokenStates.Encoded encoded = model.encode(text);

        assertThat(encoded.size()).isGreaterThan(2 * MiniLmTokenStates.WINDOW);
        assertThat(List.of(encoded.states())).allSatisfy(state -> assertThat(state).hasSize(384));
        assertThat(encoded.end()[encoded.size() - 1]).isEqualTo(text.stripTrailing().length());
    }
}
