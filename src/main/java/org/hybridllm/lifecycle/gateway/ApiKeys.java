package org.hybridllm.lifecycle.gateway;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.api.NotFound;
import org.hybridllm.lifecycle.usecase.UseCaseRepository;
import org.hybridllm.lifecycle.audit.AuditLog;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Per-application API keys for the gateway: 256 random bits, shown once at creation; Postgres keeps their sha256
 * only (a high-entropy key needs no slow hash). Lookups are cached per instance and dropped as soon as any key
 * changes (see {@link GatewayChangeListener}), so a revocation takes effect on the next request.
 */
@Service
public class ApiKeys {

    static final String PREFIX = "llk_";

    /** What a valid key allows. */
    record Caller(long keyId, String name, Long useCaseId) {
    }

    private record Cached(Optional<Caller> caller, Instant loadedAt) {
    }

    private final ApiKeyRepository keys;
    private final UseCaseRepository useCases;
    private final AuditLog audit;
    private final GatewayProperties properties;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ApiKeys(ApiKeyRepository keys, UseCaseRepository useCases, AuditLog audit, GatewayProperties properties) {
        this.keys = keys;
        this.useCases = useCases;
        this.audit = audit;
        this.properties = properties;
        this.clock = Clock.systemUTC();
    }

    /** A new key and its record; the key itself is not stored and cannot be shown again. */
    record Created(String key, ApiKeyRepository.ApiKey record) {
    }

    @Transactional
    public Created create(String name, String useCaseKey, String createdBy) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new InvalidInput("name", "A key needs a name (the application using it), at most 200 characters.");
        }
        Long useCaseId = useCaseKey == null ? null : useCases.require(useCaseKey).id();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        var record = keys.insert(name.strip(), key.substring(0, PREFIX.length() + 6), Sha256.of(key), useCaseId,
                createdBy);
        audit.record(createdBy, "GATEWAY_KEY_CREATED", "gateway_api_key", record.id(), null,
                useCaseKey == null ? Map.of("name", record.name()) : Map.of("name", record.name(), "useCase", useCaseKey));
        return new Created(key, record);
    }

    public List<ApiKeyRepository.ApiKey> list() {
        return keys.findAll();
    }

    @Transactional
    public ApiKeyRepository.ApiKey revoke(long id, String revokedBy) {
        var key = keys.find(id).orElseThrow(() -> new NotFound("gateway-key", id));
        if (keys.revoke(id, revokedBy)) {
            audit.record(revokedBy, "GATEWAY_KEY_REVOKED", "gateway_api_key", id, null, Map.of("name", key.name()));
        }
        invalidate();
        return keys.find(id).orElseThrow();
    }

    /** The caller a bearer token belongs to; refused in OpenAI's format when missing, unknown or revoked. */
    Caller authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw GatewayError.invalidApiKey("You didn't provide an API key. Send it as 'Authorization: Bearer llk_...'.");
        }
        String key = authorization.substring(7).strip();
        String hash = Sha256.of(key);
        Cached cached = cache.get(hash);
        Instant now = clock.instant();
        if (cached == null || cached.loadedAt().plus(properties.cacheTtl()).isBefore(now)) {
            Optional<Caller> caller = keys.findBySha256(hash).filter(ApiKeyRepository.ApiKey::active)
                    .map(k -> new Caller(k.id(), k.name(), k.useCaseId()));
            cached = new Cached(caller, now);
            if (cache.size() < 10_000) { // unknown keys are cached too, but not without bound
                cache.put(hash, cached);
            }
        }
        return cached.caller().orElseThrow(() -> GatewayError.invalidApiKey("Incorrect API key provided: "
                + (key.length() > 8 ? key.substring(0, 8) : "") + "****. You can find your keys with GET /api/gateway/keys."));
    }

    void invalidate() {
        cache.clear();
    }
}
