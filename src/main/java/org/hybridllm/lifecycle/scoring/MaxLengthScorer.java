package org.hybridllm.lifecycle.scoring;

/** The output is at most {@code max} characters (Unicode code points) long. Value: the length. */
final class MaxLengthScorer extends BaseScorer {

    static final String TYPE = "max-length";

    private final int max;

    MaxLengthScorer(String name, int max) {
        super(name, TYPE);
        this.max = max;
    }

    static MaxLengthScorer from(ScorerParams params) {
        params.allowOnly("max");
        double max = params.requiredNumber("max", 0, Integer.MAX_VALUE);
        if (max != Math.rint(max)) {
            throw params.invalid("max", "must be a whole number of characters");
        }
        return new MaxLengthScorer(params.name(), (int) max);
    }

    @Override
    public Verdict score(ScoredExample example) {
        String output = example.output();
        int length = output.codePointCount(0, output.length());
        boolean within = length <= max;
        return verdict(length, within, length + " characters, " + (within ? "within" : "over")
                + " the limit of " + max);
    }
}
