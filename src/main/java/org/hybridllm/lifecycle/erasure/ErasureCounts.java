package org.hybridllm.lifecycle.erasure;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What an erasure (or a retention pass) affected: rows deleted, dataset versions tainted (their lineage held the
 * rows), split files rewritten without the rows or deleted where a rewrite was impossible, evaluation examples
 * redacted (evaluations on a test split that held the rows), models tainted (trained on such a dataset) and, among
 * them, champions. Counts recorded before a count existed read as 0.
 */
public record ErasureCounts(long interactions, long feedback, int datasetVersionsTainted, int splitFilesRewritten,
                            int splitFilesDeleted, long datasetRowsRemoved, int evaluationExamplesRedacted,
                            int modelsTainted, int championsTainted) {

    public static final ErasureCounts NONE = new ErasureCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public ErasureCounts plus(ErasureCounts other) {
        return new ErasureCounts(interactions + other.interactions, feedback + other.feedback,
                datasetVersionsTainted + other.datasetVersionsTainted, splitFilesRewritten + other.splitFilesRewritten,
                splitFilesDeleted + other.splitFilesDeleted, datasetRowsRemoved + other.datasetRowsRemoved,
                evaluationExamplesRedacted + other.evaluationExamplesRedacted, modelsTainted + other.modelsTainted, championsTainted + other.championsTainted);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return this.equals(NONE);
    }
}
