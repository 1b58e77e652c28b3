package org.hybridllm.lifecycle.scoring;

/**
 * Grades one example. Implementations are immutable and safe to call from several threads, and never throw for
 * a bad output or a bad judge answer: those are failed verdicts that say so.
 */
public interface Scorer {

    String name();

    String type();

    Verdict score(ScoredExample example);
}
