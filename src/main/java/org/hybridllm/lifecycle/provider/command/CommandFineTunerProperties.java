package org.hybridllm.lifecycle.provider.command;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code lifecycle.fine-tuners.<name>}: trainers run as a command (Axolotl, TRL, unsloth, or any script that
 * follows the contract in {@code docs/command-fine-tuner.md}). A use case names one as its {@code fineTuner}.
 *
 * @param fineTuners per name: {@code command} (program and arguments; placeholders {@code {dataset}},
 *                   {@code {validation}}, {@code {baseModel}}, {@code {outputDir}}, {@code {hyperparameters}},
 *                   {@code {hyperparameters.<key>}}, {@code {jobName}}, {@code {jobDir}}), {@code working-directory}
 *                   (default: the job's directory), {@code environment} (added to the app's), {@code time-limit}
 *                   (the process tree is killed after it, default 6 h), {@code kill-grace} (between SIGTERM and
 *                   SIGKILL, default 10 s), {@code served-model} (the name the use case's provider serves the
 *                   adapter under, default {@code {jobName}}; empty to use the adapter directory's URI),
 *                   {@code gpu-hour-usd} (what an hour of the machine the trainer runs on costs, all its GPUs: the
 *                   training cost is the trainer's wall time × this; no default, since only the operator knows the
 *                   hardware: unset, the cost is recorded as unknown)
 */
@ConfigurationProperties(prefix = "lifecycle")
public record CommandFineTunerProperties(Map<String, Trainer> fineTuners) {

    public CommandFineTunerProperties {
        fineTuners = fineTuners == null ? Map.of() : Map.copyOf(fineTuners);
    }

    public record Trainer(String type, List<String> command, Path workingDirectory, Map<String, String> environment,
                          Duration timeLimit, Duration killGrace, String servedModel, BigDecimal gpuHourUsd) {

        public Trainer {
            type = type == null ? "command" : type;
            command = command == null ? List.of() : List.copyOf(command);
            environment = environment == null ? Map.of() : Map.copyOf(environment);
            timeLimit = timeLimit == null ? Duration.ofHours(6) : timeLimit;
            killGrace = killGrace == null ? Duration.ofSeconds(10) : killGrace;
            servedModel = servedModel == null ? "{jobName}" : servedModel;
            if (gpuHourUsd != null && gpuHourUsd.signum() < 0) {
                throw new IllegalArgumentException("gpu-hour-usd must not be negative");
            }
        }
    }
}
