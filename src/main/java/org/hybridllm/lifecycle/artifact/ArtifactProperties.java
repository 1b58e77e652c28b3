package org.hybridllm.lifecycle.artifact;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param artifactDir where artifact files (dataset splits, model weights) are stored, content-addressed */
@ConfigurationProperties("lifecycle")
public record ArtifactProperties(@DefaultValue("./data/artifacts") Path artifactDir) {
}
