package org.hybridllm.lifecycle.gate;

import java.util.List;
import org.hybridllm.lifecycle.dataset.DatasetRepository;
import org.springframework.stereotype.Component;

/**
 * The test split's cluster keys as the dataset stage recorded them with its lineage: the data subject where the
 * interaction names one, else the row's near-duplicate group. (Read through the dataset module's API: the dataset
 * module cannot implement an interface of the gate's without a cycle through evaluate.)
 */
@Component
class DatasetClusterKeys implements TestSplitClusters {

    private final DatasetRepository datasets;

    DatasetClusterKeys(DatasetRepository datasets) {
        this.datasets = datasets;
    }

    @Override
    public List<String> keys(long datasetVersionId) {
        List<String> keys = datasets.clusterKeys(datasetVersionId, "test");
        // a version built before cluster keys were recorded has none: every example its own cluster
        return keys.stream().allMatch(key -> key == null) ? List.of() : keys;
    }
}
