package org.hybridllm.lifecycle.provider.openai;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code lifecycle.providers.<name>}: OpenAI-compatible endpoints (OpenAI, vLLM, Ollama, LM Studio). A use case
 * names one as its provider; the same name is its fine-tuner when the endpoint has the fine-tuning API.
 *
 * @param providers per name: {@code base-url}, {@code api-key} (from the environment, e.g.
 *                  {@code ${OPENAI_API_KEY:}}), {@code max-retries} (429 / 5xx / connection errors, honouring
 *                  Retry-After), {@code timeout}, {@code concurrency} (parallel calls of one evaluation),
 *                  {@code max-tokens}, {@code prices} per model (USD per million tokens; key {@code ft:<base>}
 *                  prices the fine-tuned models of a base model; {@code training-per-million} on a base model's
 *                  entry prices the tokens its fine-tuning jobs train on)
 */
@ConfigurationProperties(prefix = "lifecycle")
public record OpenAiProperties(Map<String, Endpoint> providers) {

    public OpenAiProperties {
        providers = providers == null ? Map.of() : Map.copyOf(providers);
    }

    public record Endpoint(String type, String baseUrl, String apiKey, Integer maxRetries, Duration timeout,
                           Integer concurrency, Integer maxTokens, Map<String, Price> prices) {

        public Endpoint {
            type = type == null ? "openai" : type;
            maxRetries = maxRetries == null ? 4 : maxRetries;
            timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
            concurrency = concurrency == null ? 4 : concurrency;
            maxTokens = maxTokens == null ? 16 : maxTokens;
            prices = prices == null ? Map.of() : Map.copyOf(prices);
        }

        /** What a call to {@code model} cost, or null when the price table does not know the model. */
        public BigDecimal cost(String model, long promptTokens, long completionTokens) {
            Price price = prices.get(model);
            if (price == null && model.startsWith("ft:")) {
                String[] parts = model.split(":");
                price = parts.length > 1 ? prices.get("ft:" + parts[1]) : null;
            }
            if (price == null || price.inputPerMillion() == null || price.outputPerMillion() == null) {
                return null;
            }
            return price.inputPerMillion().multiply(BigDecimal.valueOf(promptTokens))
                    .add(price.outputPerMillion().multiply(BigDecimal.valueOf(completionTokens)))
                    .divide(BigDecimal.valueOf(1_000_000));
        }

        /** USD per million trained tokens of fine-tuning {@code baseModel}, or null when not configured. */
        public BigDecimal trainingPrice(String baseModel) {
            Price price = prices.get(baseModel);
            return price == null ? null : price.trainingPerMillion();
        }
    }

    /** USD per million tokens: prompt, completion, and (a base model's entry) tokens trained on when fine-tuning. */
    public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal trainingPerMillion) {
    }
}
