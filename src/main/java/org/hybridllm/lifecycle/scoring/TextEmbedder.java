package org.hybridllm.lifecycle.scoring;

/** Sentence embeddings for the similar scorer. Vectors are L2-normalised, so their dot product is the cosine. */
public interface TextEmbedder {

    float[] embed(String text);
}
