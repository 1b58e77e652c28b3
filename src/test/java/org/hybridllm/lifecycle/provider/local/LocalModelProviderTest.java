package org.hybridllm.lifecycle.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.hybridllm.lifecycle.provider.Completion;
import org.hybridllm.lifecycle.provider.FewShotExample;
import org.hybridllm.lifecycle.provider.LabelSpec;
import org.hybridllm.lifecycle.provider.ModelRequest;
import org.hybridllm.lifecycle.provider.ModelTarget;
import org.hybridllm.lifecycle.provider.PromptSpec;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.Assertions;

/** The real MiniLM model, in-process: prompt-only classification by embedding similarity. */
class LocalModelProviderTest {

    static final MiniLmEmbeddings EMBEDDINGS = new MiniLmEmbeddings();

    @Test
    void embeddingsAreNormalisedAndSimilarTextsAreCloser() {
        List<MiniLmEmbeddings.Embedded> e = EMBEDDINGS.embed(List.of("I was charged twice on my credit card",
                "My card has a duplicate payment", "The parcel never arrived at my house"));
        assertThat(e.get(0).vector()).hasSize(MiniLmEmbeddings.DIMENSION);
        assertThat(MiniLmEmbeddings.dot(e.get(0).vector(), e.get(0).vector())).isCloseTo(1.0,
                Assertions.within(1e-4));
        assertThat(MiniLmEmbeddings.dot(e.get(0).vector(), e.get(1).vector()))
                .isGreaterThan(MiniLmEmbeddings.dot(e.get(0).vector(), e.get(2).vector()));
        assertThat(e.get(0).tokens()).isPositive();
    }

    @Test
    void aPromptWithDescriptionsAndFewShotExamplesClassifiesAndCountsItsTokens() {
        LocalModelProvider provider = new LocalModelProvider(EMBEDDINGS, new LocalExtraction(new ObjectMapper()),
                new LocalReplySelection(EMBEDDINGS, new ObjectMapper()), new ObjectMapper(),
                LocalComputeProperties.defaults());
        List<LabelSpec> labels = List.of(
                new LabelSpec("billing", "Charges, invoices, payment methods and prices."),
                new LabelSpec("shipping", "Deliveries, parcels, couriers and tracking numbers."));
        PromptSpec prompt = new PromptSpec("Route the ticket.", "{{input}}", true,
                List.of(new FewShotExample("I was billed twice this month", "billing"),
                        new FewShotExample("My package is stuck at the depot", "shipping")));
        List<Completion> out = provider.complete(new ModelRequest(new ModelTarget("local",
                MiniLmEmbeddings.MODEL_NAME, null), prompt, labels,
                List.of("Why is there a second charge on my invoice?", "The courier lost my parcel")));
        assertThat(out).extracting(Completion::output).containsExactly("billing", "shipping");
        // the prompt's label descriptions and examples count towards every call's prompt tokens
        assertThat(out.get(0).promptTokens()).isGreaterThan(30);
    }
}
