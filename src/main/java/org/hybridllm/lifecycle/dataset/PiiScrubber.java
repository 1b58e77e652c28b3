package org.hybridllm.lifecycle.dataset;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces obvious PII (e-mail addresses, phone numbers) with placeholders before text goes into a training set.
 * Deliberately conservative: it catches the common formats, not every possible one.
 */
public final class PiiScrubber {

    public static final String EMAIL_PLACEHOLDER = "[EMAIL]";
    public static final String PHONE_PLACEHOLDER = "[PHONE]";

    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    // +44 20 7946 0958, (415) 555-0132, 555-867-5309, +1-202-555-0187, 020 7946 0958
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w-])(?:\\+\\d{1,3}[\\s.-]?)?(?:\\(\\d{2,4}\\)[\\s.-]?)?\\d{2,4}(?:[\\s.-]\\d{2,4}){1,3}(?![\\w-])");

    public record Scrubbed(String text, int emails, int phones) {
        public int items() {
            return emails + phones;
        }
    }

    public Scrubbed scrub(String text) {
        // the patterns are costly to run on every position of every text: most texts need neither
        Counter emails = new Counter();
        String withoutEmails = text.indexOf('@') < 0 ? text : replace(EMAIL, text, EMAIL_PLACEHOLDER, emails);
        Counter phones = new Counter();
        String withoutPhones = mayHoldPhone(withoutEmails) ? replacePhones(withoutEmails, phones) : withoutEmails;
        return new Scrubbed(withoutPhones, emails.count, phones.count);
    }

    /**
     * Whether some stretch of the text has 7 digits joined only by what PHONE allows between them (separators,
     * '+', parentheses; never more than two of those in a row): a necessary condition for a match, checked in one
     * pass so that the pattern runs only on the few texts that can hold a phone number ("Ticket 123456: order
     * 98765" cannot).
     */
    static boolean mayHoldPhone(String text) {
        int digits = 0;
        int joiners = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits >= 7) {
                    return true;
                }
                joiners = 0;
            } else if ((c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == '.'
                    || c == '-' || c == '+' || c == '(' || c == ')') && ++joiners <= 2) {
                continue;
            } else {
                digits = 0;
                joiners = 0;
            }
        }
        return false;
    }

    private static String replacePhones(String text, Counter counter) {
        Matcher matcher = PHONE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String candidate = matcher.group();
            long digits = candidate.chars().filter(Character::isDigit).count();
            // 7+ digits with a separator is a phone number; shorter runs are amounts, dates, versions, order ids
            if (digits >= 7 && digits <= 15 && !looksLikeDate(candidate)) {
                counter.count++;
                matcher.appendReplacement(out, Matcher.quoteReplacement(PHONE_PLACEHOLDER));
            } else {
                matcher.appendReplacement(out, Matcher.quoteReplacement(candidate));
            }
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean looksLikeDate(String candidate) {
        return candidate.matches("\\d{4}-\\d{2}-\\d{2}") || candidate.matches("\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}");
    }

    private static String replace(Pattern pattern, String text, String placeholder, Counter counter) {
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            counter.count++;
            matcher.appendReplacement(out, Matcher.quoteReplacement(placeholder));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static final class Counter {
        int count;
    }
}
