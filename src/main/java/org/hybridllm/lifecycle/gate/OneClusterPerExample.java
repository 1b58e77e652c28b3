package org.hybridllm.lifecycle.gate;

import java.util.List;
import java.util.stream.IntStream;
import org.hybridllm.lifecycle.dataset.DatasetRepository;
import org.springframework.stereotype.Component;

/**
 * TEMPORARY: every test example its own cluster (no clustering), until the dataset module implements
 * {@link TestSplitClusters} from the split's cluster keys; then this class goes.
 */
@Component
class OneClusterPerExample implements TestSplitClusters {

    private final DatasetRepository datasets;

    OneClusterPerExample(DatasetRepository datasets) {
        this.datasets = datasets;
    }

    @Override
    public List<String> keys(long datasetVersionId) {
        return IntStream.range(0, datasets.get(datasetVersionId).testRows()).mapToObj(i -> "example-" + i).toList();
    }
}
