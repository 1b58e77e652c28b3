package org.hybridllm.lifecycle.provider.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hybridllm.lifecycle.provider.FineTuneEventSink;
import org.hybridllm.lifecycle.provider.FineTuner;
import org.hybridllm.lifecycle.provider.ModelProvider;
import org.hybridllm.lifecycle.provider.ProviderCatalog;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * One chat provider and one fine-tuner per configured OpenAI-compatible endpoint, on the official
 * {@code openai-java} client (it retries 429, 5xx and connection errors with backoff, honouring Retry-After).
 * The API key is handed to the client only: it is never logged nor stored.
 */
@Component
@EnableConfigurationProperties(OpenAiProperties.class)
public class OpenAiProviders implements ProviderCatalog {

    private final Map<String, ModelProvider> providers = new LinkedHashMap<>();
    private final Map<String, FineTuner> fineTuners = new LinkedHashMap<>();

    public OpenAiProviders(OpenAiProperties properties, FineTuneEventSink events) {
        properties.providers().forEach((name, endpoint) -> {
            if (!"openai".equals(endpoint.type())) {
                return;
            }
            if (endpoint.baseUrl() == null || endpoint.baseUrl().isBlank()) {
                throw new IllegalStateException("lifecycle.providers." + name + ".base-url is required");
            }
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl(endpoint.baseUrl())
                    // local servers (Ollama, vLLM without --api-key) accept any key; the client needs one
                    .apiKey(endpoint.apiKey() == null || endpoint.apiKey().isBlank() ? "none" : endpoint.apiKey())
                    .maxRetries(endpoint.maxRetries())
                    .timeout(endpoint.timeout())
                    .build();
            providers.put(name, new OpenAiChatProvider(name, client, endpoint));
            fineTuners.put(name, new OpenAiFineTuner(name, client, events, endpoint));
        });
    }

    @Override
    public Map<String, ModelProvider> providers() {
        return providers;
    }

    @Override
    public Map<String, FineTuner> fineTuners() {
        return fineTuners;
    }
}
