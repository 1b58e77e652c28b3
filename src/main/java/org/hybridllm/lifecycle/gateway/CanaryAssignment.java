package org.hybridllm.lifecycle.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which arm serves a call: the challenger for {@code share} of the traffic, the champion otherwise. A caller that
 * names its end user ({@code user} in the request) is sticky: the same user of the same use case always lands in
 * the same arm, as long as the share does not change; anonymous calls are assigned at random.
 */
final class CanaryAssignment {

    static final String CHAMPION = "champion";
    static final String CHALLENGER = "challenger";

    private CanaryAssignment() {
    }

    static String arm(String useCaseKey, String user, double share, boolean hasChallenger) {
        if (!hasChallenger || share <= 0) {
            return CHAMPION;
        }
        double position = user == null || user.isBlank() ? ThreadLocalRandom.current().nextDouble()
                : position(useCaseKey, user);
        return position < share ? CHALLENGER : CHAMPION;
    }

    /** A uniform, stable position in [0, 1) for a user of a use case (the first 53 bits of a SHA-256). */
    static double position(String useCaseKey, String user) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(useCaseKey.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            byte[] hash = digest.digest(user.getBytes(StandardCharsets.UTF_8));
            return (ByteBuffer.wrap(hash).getLong() >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
