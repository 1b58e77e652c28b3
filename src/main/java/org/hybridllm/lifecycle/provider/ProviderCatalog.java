package org.hybridllm.lifecycle.provider;

import java.util.Map;

/** Adapters built from configuration (one per configured name), as opposed to single adapter beans. */
public interface ProviderCatalog {

    default Map<String, ModelProvider> providers() {
        return Map.of();
    }

    default Map<String, FineTuner> fineTuners() {
        return Map.of();
    }
}
