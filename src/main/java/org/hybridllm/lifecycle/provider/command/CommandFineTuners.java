package org.hybridllm.lifecycle.provider.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hybridllm.lifecycle.provider.FineTuneEventSink;
import org.hybridllm.lifecycle.provider.FineTuner;
import org.hybridllm.lifecycle.provider.ProviderCatalog;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/** One {@link CommandFineTuner} per configured {@code lifecycle.fine-tuners.<name>} of type {@code command}. */
@Component
@EnableConfigurationProperties(CommandFineTunerProperties.class)
public class CommandFineTuners implements ProviderCatalog {

    private final Map<String, FineTuner> fineTuners = new LinkedHashMap<>();

    public CommandFineTuners(CommandFineTunerProperties properties, FineTuneEventSink events, ObjectMapper json) {
        properties.fineTuners().forEach((name, trainer) -> {
            if (!"command".equals(trainer.type())) {
                throw new IllegalStateException("lifecycle.fine-tuners." + name + ".type must be 'command', not '"
                        + trainer.type() + "'");
            }
            if (trainer.command().isEmpty()) {
                throw new IllegalStateException("lifecycle.fine-tuners." + name + ".command is required");
            }
            CommandFineTuner.checkPlaceholders(name, trainer.command());
            fineTuners.put(name, new CommandFineTuner(name, trainer, events, json, Clock.systemUTC()));
        });
    }

    @Override
    public Map<String, FineTuner> fineTuners() {
        return fineTuners;
    }
}
