package org.hybridllm.lifecycle.usecase;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hybridllm.lifecycle.provider.FewShotExample;
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
        compare(changes, "labelDescriptions", String.valueOf(a.labelDescriptions()),
                String.valueOf(b.labelDescriptions()));
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

    static List<String> render(PromptVersion version) {
        PromptSpec spec = version.spec();
        List<String> lines = new ArrayList<>();
        lines.add("purpose: " + version.purpose());
        spec.instruction().lines().forEach(line -> lines.add("instruction: " + line));
        spec.inputTemplate().lines().forEach(line -> lines.add("input template: " + line));
        lines.add("label descriptions: " + (spec.labelDescriptions() ? "shown" : "not shown"));
        for (FewShotExample example : spec.fewShot()) {
            lines.add("example: " + example.input().replace('\n', ' ') + " => " + example.label());
        }
        return lines;
    }
}
