package org.hybridllm.lifecycle.evaluate;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hybridllm.lifecycle.provider.TrainingCost;

/**
 * When the candidate pays for its training: the training cost over what each request saves against the champion
 * (per-request costs measured on the test split), and at the use case's volume how many days that takes. Every
 * value that cannot be known is null, and {@code unknown} names it with the reason. Nulls are written out, so the
 * process variable and the API show the same fields every time.
 *
 * @param breakEvenRequests requests after which the saving has paid for the training (rounded up)
 * @param paybackDays       breakEvenRequests at the monthly volume (a month counted as 30 days)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BreakEven(Double trainingCostUsd, String trainingCostBasis, Double championCostPerRequestUsd,
                        Double candidateCostPerRequestUsd, Double savingPerRequestUsd, Long monthlyRequests,
                        String volumeSource, Long breakEvenRequests, Double paybackDays,
                        Double championLatencyP95Ms, Double candidateLatencyP95Ms, Map<String, String> unknown) {

    static final double DAYS_PER_MONTH = 30;

    /** The arithmetic, on what was measured; {@code training} null when the candidate has no fine-tuning job. */
    public static BreakEven of(TrainingCost training, ServingCost champion, ServingCost candidate,
                               RequestVolume.Volume volume) {
        Map<String, String> unknown = new LinkedHashMap<>();
        Double trainingCost = training == null || training.usd() == null ? null : training.usd().doubleValue();
        String basis = training == null ? null : training.basis();
        if (trainingCost == null) {
            unknown.put("trainingCostUsd", training == null ? "the candidate has no fine-tuning job on record"
                    : training.basis());
        }
        Double championCost = costOf(champion, "championCostPerRequestUsd", unknown);
        Double candidateCost = costOf(candidate, "candidateCostPerRequestUsd", unknown);
        Double saving = championCost == null || candidateCost == null ? null : championCost - candidateCost;
        if (saving == null) {
            unknown.put("savingPerRequestUsd", "the per-request cost of "
                    + (championCost == null && candidateCost == null ? "champion and candidate"
                    : championCost == null ? "the champion" : "the candidate") + " is unknown");
        }
        Long monthly = volume.monthlyRequests();
        if (monthly == null) {
            unknown.put("monthlyRequests", volume.unknown());
        }
        Long breakEvenRequests = null;
        if (trainingCost == null || saving == null) {
            unknown.put("breakEvenRequests", "needs the training cost and the saving per request");
        } else if (saving <= 0) {
            unknown.put("breakEvenRequests", "the candidate saves nothing per request (" + saving
                    + " USD): its training never pays back in cost");
        } else {
            breakEvenRequests = (long) Math.ceil(trainingCost / saving);
        }
        Double paybackDays = null;
        if (breakEvenRequests == null || monthly == null) {
            unknown.put("paybackDays", "needs the break-even requests and the monthly requests");
        } else if (monthly == 0) {
            unknown.put("paybackDays", "the use case serves no requests: the training never pays back");
        } else {
            paybackDays = breakEvenRequests / (monthly / DAYS_PER_MONTH);
        }
        Double championP95 = latencyOf(champion, "championLatencyP95Ms", unknown);
        Double candidateP95 = latencyOf(candidate, "candidateLatencyP95Ms", unknown);
        return new BreakEven(trainingCost, basis, championCost, candidateCost, saving, monthly,
                volume.source(), breakEvenRequests, paybackDays, championP95, candidateP95, Collections.unmodifiableMap(unknown));
    }

    private static Double costOf(ServingCost cost, String field, Map<String, String> unknown) {
        if (cost.costPerRequestUsd() == null) {
            unknown.put(field, cost.costUnknown());
        }
        return cost.costPerRequestUsd();
    }

    private static Double latencyOf(ServingCost cost, String field, Map<String, String> unknown) {
        if (cost.latencyP95Ms() == null) {
            unknown.put(field, "eval run " + cost.evalRunId() + " recorded no latencies");
        }
        return cost.latencyP95Ms();
    }
}
