package org.hybridllm.lifecycle.gate;

import java.util.List;
import org.springframework.stereotype.Component;

/**
 * TEMPORARY: no cluster keys, so every test example is its own cluster (no clustering), until the dataset module
 * implements {@link TestSplitClusters} from the split's cluster keys; then this class goes.
 */
@Component
class OneClusterPerExample implements TestSplitClusters {

    @Override
    public List<String> keys(long datasetVersionId) {
        return List.of();
    }
}
