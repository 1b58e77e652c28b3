package org.hybridllm.lifecycle.scoring;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The output matches a regular expression somewhere (anchor it with ^ and $ to match the whole output). */
final class RegexScorer extends BaseScorer {

    static final String TYPE = "regex";

    private final Pattern pattern;

    RegexScorer(String name, Pattern pattern) {
        super(name, TYPE);
        this.pattern = pattern;
    }

    static RegexScorer from(ScorerParams params) {
        params.allowOnly("pattern", "ignoreCase");
        String regex = params.requiredText("pattern");
        int flags = params.flag("ignoreCase", false) ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
        try {
            return new RegexScorer(params.name(), Pattern.compile(regex, flags));
        } catch (PatternSyntaxException e) {
            throw params.invalid("pattern", "not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }

    @Override
    public Verdict score(ScoredExample example) {
        Matcher matcher = pattern.matcher(example.output());
        if (matcher.find()) {
            return verdict(1, true, "output matches /" + pattern.pattern() + "/ at " + quote(matcher.group(), 60));
        }
        return verdict(0, false, "output does not match /" + pattern.pattern() + "/");
    }
}
