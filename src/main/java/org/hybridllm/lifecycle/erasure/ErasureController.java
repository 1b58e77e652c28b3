package org.hybridllm.lifecycle.erasure;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.hybridllm.lifecycle.api.InvalidInput;
import org.hybridllm.lifecycle.api.StorableText;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The right to erasure (ADMIN only, checked before anything is looked up). An unknown subject is answered 200 with
 * zero counts, as a subject whose data is already gone would be on a first request: see README "Right to erasure".
 */
@RestController
@RequestMapping("/api/subjects")
@Tag(name = "Erasure", description = "Right to erasure: a data subject's interactions and feedback deleted from the "
        + "database and from every dataset file built from them; datasets and models built from them tainted")
public class ErasureController {

    static final int MAX_BATCH = 1000;

    /** A batch: the subject ids, as the applications sent them (the {@code user} of a gateway call). */
    public record BatchRequest(List<String> subjectIds) {
    }

    /** A batch's answer: each subject's erasure, in the request's order, and their sum. */
    public record BatchErasure(List<SubjectResult> subjects, ErasureCounts totals) {
    }

    /** One subject of a batch: the id the caller sent (it is not stored), and its erasure. */
    public record SubjectResult(String subjectId, SubjectErasures.SubjectErasure erasure) {
    }

    private final SubjectErasures erasures;

    ErasureController(SubjectErasures erasures) {
        this.erasures = erasures;
    }

    @DeleteMapping("/{subjectId}")
    @Operation(summary = "Erase a data subject: their interactions and feedback, from the database and every "
            + "dataset file; datasets and models built from them become TAINTED (ADMIN)")
    public SubjectErasures.SubjectErasure erase(@PathVariable String subjectId, Principal user) {
        return erasures.erase(valid("subjectId", subjectId), user.getName());
    }

    @PostMapping("/erasures")
    @Operation(summary = "Erase a batch of data subjects (ADMIN), as DELETE /api/subjects/{subjectId} does each")
    public BatchErasure eraseBatch(@RequestBody BatchRequest request, Principal user) {
        if (request == null || request.subjectIds() == null || request.subjectIds().isEmpty()) {
            throw new InvalidInput("subjectIds", "subjectIds must list at least one subject id.");
        }
        if (request.subjectIds().size() > MAX_BATCH) {
            throw new InvalidInput("subjectIds", "At most " + MAX_BATCH + " subject ids per batch.");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < request.subjectIds().size(); i++) {
            ids.add(valid("subjectIds[" + i + "]", request.subjectIds().get(i)));
        }
        List<SubjectResult> results = new ArrayList<>();
        ErasureCounts totals = ErasureCounts.NONE;
        for (String id : ids) {
            SubjectErasures.SubjectErasure erasure = erasures.erase(id, user.getName());
            results.add(new SubjectResult(id, erasure));
            totals = totals.plus(erasure.counts());
        }
        return new BatchErasure(results, totals);
    }

    private static String valid(String field, String subjectId) {
        if (subjectId == null || subjectId.isBlank()) {
            throw new InvalidInput(field, field + " must not be blank.");
        }
        if (subjectId.length() > 1000) {
            throw new InvalidInput(field, field + " is longer than 1000 characters.");
        }
        StorableText.require(field, subjectId);
        return subjectId;
    }
}
