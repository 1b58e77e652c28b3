package org.hybridllm.lifecycle.provider;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;

/** Finds the adapter a use case is configured with. */
@Component
public class ProviderRegistry {

    private final Map<String, ModelProvider> providers;
    private final Map<String, FineTuner> fineTuners;

    public ProviderRegistry(List<ModelProvider> providers, List<FineTuner> fineTuners,
                            List<ProviderCatalog> catalogs) {
        this.providers = new HashMap<>(providers.stream()
                .collect(Collectors.toMap(ModelProvider::name, Function.identity())));
        this.fineTuners = new HashMap<>(fineTuners.stream()
                .collect(Collectors.toMap(FineTuner::name, Function.identity())));
        for (ProviderCatalog catalog : catalogs) {
            catalog.providers().forEach((name, provider) -> add(this.providers, name, provider));
            catalog.fineTuners().forEach((name, fineTuner) -> add(this.fineTuners, name, fineTuner));
        }
    }

    private static <T> void add(Map<String, T> adapters, String name, T adapter) {
        if (adapters.putIfAbsent(name, adapter) != null) {
            throw new IllegalStateException("two adapters are configured under the name '" + name + "'");
        }
    }

    public boolean hasFineTuner(String name) {
        return fineTuners.containsKey(name);
    }

    public boolean hasProvider(String name) {
        return providers.containsKey(name);
    }

    public Set<String> providerNames() {
        return new TreeSet<>(providers.keySet());
    }

    public ModelProvider provider(String name) {
        ModelProvider provider = providers.get(name);
        if (provider == null) {
            throw new IllegalArgumentException("no model provider named '" + name + "'; known: " + providers.keySet());
        }
        return provider;
    }

    public FineTuner fineTuner(String name) {
        FineTuner fineTuner = fineTuners.get(name);
        if (fineTuner == null) {
            throw new IllegalArgumentException("no fine-tuner named '" + name + "'; known: " + fineTuners.keySet());
        }
        return fineTuner;
    }
}
