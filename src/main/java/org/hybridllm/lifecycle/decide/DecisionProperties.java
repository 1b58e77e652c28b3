package org.hybridllm.lifecycle.decide;

import java.math.BigDecimal;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lifecycle.decision}: where the fine-tune decision table (bpmn/decisions/fine-tune-decision.dmn) starts to
 * call a volume, a latency or a cost per request high. They are inputs of the table, not constants in it, so an
 * operator sets them for the business; a prompt that meets its quality target at a high volume with a high cost or
 * latency per call is fine-tuned to cut them.
 *
 * @param highVolumeMonthlyRequests default 100,000 a month (about 3,300 a day): where a saving of a tenth of a cent
 *                                  a call repays a typical hosted fine-tuning job (a few dollars) within days
 * @param highLatencyP95Ms          default 1,000 ms: above a second, an interactive caller waits noticeably
 * @param highCostPerRequestUsd     default $0.001 a request: a call of a few thousand prompt tokens on a small
 *                                  hosted model, the long-prompt-plus-few-shot calls that fine-tuning shortens
 */
@ConfigurationProperties("lifecycle.decision")
public record DecisionProperties(@DefaultValue("100000") long highVolumeMonthlyRequests,
                                 @DefaultValue("1000") double highLatencyP95Ms,
                                 @DefaultValue("0.001") BigDecimal highCostPerRequestUsd) {
}
