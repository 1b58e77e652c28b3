package org.hybridllm.lifecycle.scoring;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Name, type and the verdicts every scorer writes. */
abstract class BaseScorer implements Scorer {

    private static final int QUOTE_LIMIT = 120;

    private final String name;
    private final String type;

    BaseScorer(String name, String type) {
        this.name = name;
        this.type = type;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return type;
    }

    Verdict verdict(double value, boolean passed, String explanation) {
        return new Verdict(name, type, value, passed, explanation, Map.of(), List.of());
    }

    Verdict verdict(Double value, boolean passed, String explanation, Map<String, Object> details) {
        return new Verdict(name, type, value, passed, explanation, details, List.of());
    }

    Verdict verdict(Double value, boolean passed, String explanation, Map<String, Object> details,
                    List<JudgeCall> judgeCalls) {
        return new Verdict(name, type, value, passed, explanation, details, judgeCalls);
    }

    /** Nothing could be measured (no reference, no champion, an unreadable judge): a failure that says why. */
    Verdict unmeasured(String explanation) {
        return new Verdict(name, type, null, false, explanation, Map.of(), List.of());
    }

    /** A text in quotes for an explanation, cut short when long. */
    static String quote(String text) {
        return quote(text, QUOTE_LIMIT);
    }

    static String quote(String text, int limit) {
        if (text == null) {
            return "nothing";
        }
        String oneLine = text.replace("\n", "\\n");
        return '"' + (oneLine.length() > limit ? oneLine.substring(0, limit) + "…" : oneLine) + '"';
    }

    static String format(double number) {
        return number == Math.rint(number) && Math.abs(number) < 1e15
                ? String.valueOf((long) number)
                : String.format(Locale.ROOT, "%.4g", number);
    }
}
