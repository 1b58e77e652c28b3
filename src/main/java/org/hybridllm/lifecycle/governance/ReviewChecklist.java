package org.hybridllm.lifecycle.governance;

import java.util.Arrays;
import java.util.List;

/**
 * The decision framework as a reviewer's checklist. Every item is mandatory for an approval: a gate that lets
 * training data or a model through must have had each of them considered.
 */
public enum ReviewChecklist {
    TASK_CLARITY("Task clarity", "The task and its labels are well defined and stable."),
    DATA_READINESS("Data readiness", "Enough clean, representative examples; label distribution checked."),
    QUALITY_TARGET("Quality target", "The candidate meets the target on the held-out test split."),
    LATENCY_AND_CONTEXT("Latency and context limits", "Latency, context length and cost fit the use case."),
    EVALUATION_PLAN("Evaluation plan", "Test split, metrics and comparison with the champion are sound."),
    PRIVACY("Governance: privacy", "PII was scrubbed; no personal data leaks into training or outputs."),
    CONSENT("Governance: consent", "The data subjects' consent covers this use of their data."),
    RETENTION("Governance: retention", "Retention and erasure obligations can be met for data and model."),
    CHANGE_MANAGEMENT("Change management", "Stakeholders informed; rollout and monitoring planned."),
    FALLBACKS("Fallbacks", "Rollback to the previous champion and a fallback path are in place.");

    private final String title;
    private final String description;

    ReviewChecklist(String title, String description) {
        this.title = title;
        this.description = description;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public static List<ReviewChecklist> mandatory() {
        return Arrays.asList(values());
    }
}
