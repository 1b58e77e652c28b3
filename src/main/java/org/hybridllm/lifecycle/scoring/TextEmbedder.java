package org.hybridllm.lifecycle.scoring;

/**
 * Sentence embeddings for the similar scorer. Vectors are L2-normalised, so their dot product is the cosine.
 * (The method is not called {@code embed}: MiniLmEmbeddings, which implements this, already has an
 * {@code embed(String)} returning its own type.)
 */
@FunctionalInterface
public interface TextEmbedder {

    float[] vector(String text);
}
