package org.hybridllm.lifecycle.artifact;

import java.util.UUID;

public record Artifact(long id, String kind, String uri, String sha256, long bytes, String mediaType, UUID runId) {
}
