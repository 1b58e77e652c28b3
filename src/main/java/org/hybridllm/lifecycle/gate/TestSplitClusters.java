package org.hybridllm.lifecycle.gate;

import java.util.List;

/**
 * The cluster key of every example of a dataset version's test split, in split order (same conversation, same data
 * subject): examples that share a key are resampled together by the gate's bootstrap. Owned by the gate,
 * implemented by the module that owns the split.
 */
public interface TestSplitClusters {

    /**
     * One key per test example, in the order the test split lists them (a null key: the example stands alone); an
     * empty list when the split has no cluster keys, each example then being its own cluster.
     */
    List<String> keys(long datasetVersionId);
}
