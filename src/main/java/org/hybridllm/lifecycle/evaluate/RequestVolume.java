package org.hybridllm.lifecycle.evaluate;

import java.time.Duration;
import java.time.OffsetDateTime;
import org.hybridllm.lifecycle.feedback.FeedbackRepository;
import org.hybridllm.lifecycle.usecase.UseCase;
import org.springframework.stereotype.Component;

/**
 * How many requests a month a use case serves: measured, the gateway's logged calls of the last 30 days, when
 * there are any; otherwise the volume its owner declared (use_case.monthly_requests); otherwise unknown. Measured
 * wins because it is what the model will actually be asked; a declared figure is a forecast.
 */
@Component
public class RequestVolume {

    public static final Duration WINDOW = Duration.ofDays(30);
    public static final String MEASURED = "gateway-30d";
    public static final String DECLARED = "declared";

    /** @param unknown why the volume is not known (null when it is) */
    public record Volume(Long monthlyRequests, String source, String unknown) {
    }

    private final FeedbackRepository interactions;

    public RequestVolume(FeedbackRepository interactions) {
        this.interactions = interactions;
    }

    public Volume monthly(UseCase useCase) {
        long measured = interactions.gatewayRequestsSince(useCase.id(), OffsetDateTime.now().minus(WINDOW));
        if (measured > 0) {
            return new Volume(measured, MEASURED, null);
        }
        if (useCase.monthlyRequests() != null) {
            return new Volume(useCase.monthlyRequests().longValue(), DECLARED, null);
        }
        return new Volume(null, null, "the gateway served no request of use case " + useCase.key()
                + " in the last 30 days and it declares no monthlyRequests");
    }
}
