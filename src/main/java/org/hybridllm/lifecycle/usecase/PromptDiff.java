package org.hybridllm.lifecycle.usecase;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hybridllm.lifecycle.provider.ChatMessage;
import org.hybridllm.lifecycle.provider.FewShotExample;
import org.hybridllm.lifecycle.provider.ModelSettings;
import org.hybridllm.lifecycle.provider.PromptSpec;

/**
 * What changed between two prompt versions: the fields that differ, and a unified diff of the prompts rendered as
 * text (one line per few-shot example), as a reviewer would read it in a pull request.
 */
public record PromptDiff(int fromVersion, int toVersion, String fromSha256, String toSha256,
                         List<FieldChange> changes, String unifiedDiff) {

    public record FieldChange(String field, String from, String to) {
    }

    public static PromptDiff between(PromptVersion from, PromptVersion to) {
        PromptSpec a = from.spec();
        PromptSpec b = to.spec();
        List<FieldChange> changes = new ArrayList<>();
        compare(changes, "purpose", from.purpose().name(), to.purpose().name());
        compare(changes, "instruction", a.instruction(), b.instruction());
        compare(changes, "inputTemplate", a.inputTemplate(), b.inputTemplate());
        compare(changes, "messages", a.messages().size() + " messages", b.messages().size() + " messages");
        compare(changes, "labelDescriptions", String.valueOf(a.labelDescriptions()),
                String.valueOf(b.labelDescriptions()));
        compare(changes, "settings", settings(a.settings()), settings(b.settings()));
        compare(changes, "responseFormat", a.responseFormat().wireName(), b.responseFormat().wireName());
        compare(changes, "fewShot", a.fewShot().size() + " examples", b.fewShot().size() + " examples");
        if (changes.stream().noneMatch(c -> c.field().equals("fewShot")) && !a.fewShot().equals(b.fewShot())) {
            changes.add(new FieldChange("fewShot", "changed examples", "changed examples"));
        }
        List<String> left = render(from);
        List<String> right = render(to);
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("prompt v" + from.version(),
                "prompt v" + to.version(), left, DiffUtils.diff(left, right), 3);
        return new PromptDiff(from.version(), to.version(), from.sha256(), to.sha256(), changes,
                String.join("\n", diff));
    }

    private static void compare(List<FieldChange> changes, String field, String from, String to) {
        if (!Objects.equals(from, to)) {
            changes.add(new FieldChange(field, from, to));
        }
    }

    private static String settings(ModelSettings settings) {
        return "temperature " + (settings.temperature() == null ? "default" : settings.temperature())
                + ", max tokens " + (settings.maxTokens() == null ? "default" : settings.maxTokens());
    }

    /** The prompt as a reviewer reads it: one line per message line, setting and few-shot example. */
    static List<String> render(PromptVersion version) {
        PromptSpec spec = version.spec();
        List<String> lines = new ArrayList<>();
        lines.add("purpose: " + version.purpose());
        for (int i = 0; i < spec.messages().size(); i++) {
            ChatMessage message = spec.messages().get(i);
            // named as before chat templates, so diffs of classification prompts read as they did
            String name = message.role().equals(ChatMessage.SYSTEM) ? "instruction"
                    : i == spec.messages().size() - 1 ? "input template" : message.role();
            message.content().lines().forEach(line -> lines.add(name + ": " + line));
        }
        lines.add("label descriptions: " + (spec.labelDescriptions() ? "shown" : "not shown"));
        lines.add("settings: " + settings(spec.settings()));
        lines.add("response format: " + spec.responseFormat().wireName());
        for (FewShotExample example : spec.fewShot()) {
            lines.add("example: " + example.input().replace('\n', ' ') + " => "
                    + example.outputText().replace('\n', ' '));
        }
        return lines;
    }
}
