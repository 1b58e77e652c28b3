package org.hybridllm.lifecycle.governance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changed between two evidences of the same run (a review and its resubmission), key by key. Nested objects
 * (gate, breakEven, leakage) are compared by their dotted keys ({@code gate.verdict}); lists and plain values as a
 * whole. Numbers are compared by value, so 1 and 1.0 are the same.
 */
public final class EvidenceDiff {

    public enum Kind { ADDED, REMOVED, CHANGED }

    /** One key whose value differs; {@code before} is null when added, {@code after} null when removed. */
    public record Change(String key, Kind kind, Object before, Object after) {
    }

    private EvidenceDiff() {
    }

    /** The changes, in the order of the later evidence's keys, then the keys it no longer has. */
    public static List<Change> between(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> earlier = flatten(before);
        Map<String, Object> later = flatten(after);
        List<Change> changes = new ArrayList<>();
        later.forEach((key, value) -> {
            if (!earlier.containsKey(key)) {
                changes.add(new Change(key, Kind.ADDED, null, value));
            } else if (!same(earlier.get(key), value)) {
                changes.add(new Change(key, Kind.CHANGED, earlier.get(key), value));
            }
        });
        earlier.forEach((key, value) -> {
            if (!later.containsKey(key)) {
                changes.add(new Change(key, Kind.REMOVED, value, null));
            }
        });
        return changes;
    }

    static Map<String, Object> flatten(Map<String, Object> evidence) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", evidence == null ? Map.of() : evidence, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> flat) {
        map.forEach((key, value) -> {
            String name = prefix + key;
            if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                flatten(name + ".", nested, flat);
            } else if (value != null) {
                flat.put(name, value);
            }
        });
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(k -> same(x.get(k), y.get(k)));
        }
        return Objects.equals(a, b);
    }
}
