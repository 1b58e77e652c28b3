package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hybridllm.lifecycle.artifact.Sha256;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The review's evidence as the stages write it (gate, breakEven and leakage in the shapes the gate, evaluate and
 * dataset stages output), inserted into an approval of an interrupted run that was sent back once: the page shows
 * each of them, the resubmission's diff, the earlier decision's checklist; the API gives the hash to send back.
 */
@AppTest
class ReviewEvidenceIT {

    static final String USE_CASE = "tickets-review-evidence";

    static final String EARLIER_EVIDENCE = """
            {"useCaseKey": "tickets-review-evidence", "datasetVersion": 1, "trainRows": 640,
             "candidateModelName": "routing-ft-r0", "candidateAccuracy": 0.91,
             "gate": {"verdict": "INCONCLUSIVE", "difference": 0.02}}""";

    static final String EVIDENCE = """
            {"useCaseKey": "tickets-review-evidence", "primaryMetric": "accuracy", "datasetVersion": 2,
             "trainRows": 700, "candidateModelName": "routing-ft-r1", "candidateAccuracy": 0.95,
             "championAccuracy": 0.84,
             "gate": {"verdict": "PROMOTE", "metric": "accuracy", "set": "test-split", "examples": 135,
                      "champion": 0.84, "candidate": 0.95, "difference": 0.11, "ci": [0.05, 0.17],
                      "pValue": 0.0004, "test": "mcnemar-exact", "resamples": 10000, "clusters": 120,
                      "minimumDetectableEffect": 0.07, "minimumGain": 0.05, "mdeExceedsMinimumGain": true,
                      "additionalExamplesNeeded": 140,
                      "evalSet": {"examples": 30, "champion": 0.8, "candidate": 0.9, "difference": 0.1,
                                  "ci": [-0.03, 0.23]},
                      "nonInferiority": [{"metric": "latencyP95Ms", "champion": 40.0, "candidate": 12.5,
                                          "margin": 10.0, "bound": -20.1, "passed": true}],
                      "slices": [{"kind": "label", "name": "billing", "examples": 30, "champion": 0.9,
                                  "candidate": 0.7, "difference": -0.2, "ci": [-0.35, -0.05], "regressed": true},
                                 {"kind": "label", "name": "shipping", "examples": 25, "champion": 0.8,
                                  "candidate": 0.96, "difference": 0.16, "ci": [0.01, 0.3], "regressed": false}],
                      "leakageFlagged": true,
                      "reasons": ["The difference's 95 % CI lies wholly above the minimum gain."],
                      "warnings": ["MDE 0.070 exceeds the minimum gain 0.050."]},
             "breakEven": {"trainingCostUsd": 12.5, "trainingCostBasis": "0.42 GPU-hours at $30/h",
                           "championCostPerRequestUsd": 0.0021, "candidateCostPerRequestUsd": 0.0004,
                           "savingPerRequestUsd": 0.0017, "monthlyRequests": null, "volumeSource": null,
                           "breakEvenRequests": 7353, "paybackDays": null,
                           "championLatencyP95Ms": 40.0, "candidateLatencyP95Ms": 12.5,
                           "unknown": {"monthlyRequests": "no gateway traffic in the last 30 days and no declared volume",
                                       "paybackDays": "needs the monthly volume"}},
             "leakage": {"method": "minhash-5gram-jaccard", "threshold": 0.7, "groups": 14, "groupedRows": 31,
                         "nearDuplicatesAcrossSplits": 10, "testOverlapRate": 0.074, "flagThreshold": 0.05,
                         "flagged": true}}""";

    @Autowired
    MockMvc mvc;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    JdbcClient jdbc;

    UUID runId;
    UUID earlierId;
    UUID approvalId;

    @BeforeEach
    void anInterruptedRunSentBackOnceAndResubmitted() {
        sampleData.loadInto(USE_CASE);
        long useCaseId = jdbc.sql("select id from use_case where key = ?").param(USE_CASE).query(Long.class).single();
        runId = UUID.randomUUID();
        jdbc.sql("""
                        insert into lifecycle_run (id, use_case_id, status, failure_reason, started_by)
                        values (?, ?, 'INTERRUPTED', 'the engine restarted while the run was waiting', 'engineer')""")
                .params(runId, useCaseId).update();
        earlierId = UUID.randomUUID();
        jdbc.sql("""
                        insert into approval (id, run_id, gate_type, status, requested_by, evidence, decided_by,
                                              decided_at, comment, checklist, change_target, created_at)
                        values (?, ?, 'MODEL_PROMOTION', 'CHANGES_REQUESTED', 'engineer', ?::jsonb, 'reviewer2',
                                now() - interval '1 hour', 'Billing tickets are under-represented.', ?::jsonb,
                                'DATASET', now() - interval '2 hours')""")
                .params(earlierId, runId, EARLIER_EVIDENCE, """
                        {"TASK_CLARITY": {"ticked": true, "note": "labels stable since March"},
                         "DATA_READINESS": {"ticked": false, "note": "billing has 12 examples"}}""")
                .update();
        approvalId = UUID.randomUUID();
        jdbc.sql("""
                        insert into approval (id, run_id, gate_type, status, requested_by, evidence)
                        values (?, ?, 'MODEL_PROMOTION', 'PENDING', 'engineer', ?::jsonb)""")
                .params(approvalId, runId, EVIDENCE).update();
    }

    @Test
    void theApprovalApiGivesTheHashADecisionSendsBack() throws Exception {
        String stored = jdbc.sql("select evidence::text from approval where id = ?").param(approvalId)
                .query(String.class).single();
        mvc.perform(get("/api/approvals/" + approvalId).with(user("reviewer").roles("REVIEWER")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.evidenceSha256").value(Sha256.of(stored)))
                .andExpect(jsonPath("$.evidence.gate.verdict").value("PROMOTE"));
    }

    @Test
    void theReviewShowsTheGateBreakEvenAndLeakageAsTheStagesWroteThem() throws Exception {
        String page = page("/console/reviews/" + approvalId, user("reviewer").roles("REVIEWER"));

        assertThat(page).contains("id=\"gate-verdict\" class=\"verdict-PROMOTE\">PROMOTE</span>")
                .contains("difference <b>0.110</b>")
                .contains("<b id=\"gate-ci\">[0.050, 0.170]</b>")
                .contains("<b id=\"gate-p\">0.0004</b>")
                .contains("mcnemar-exact").contains(", 10000 resamples").contains(", 120 clusters")
                .contains("id=\"gate-mde-warning\"")
                .contains("<b>140</b> more test examples")
                .contains("[-0.030, 0.230]") // the curated set's CI
                .contains("The difference&#39;s 95 % CI lies wholly above the minimum gain.")
                .contains("MDE 0.070 exceeds the minimum gain 0.050.")
                .contains("<td>latencyP95Ms</td>");
        assertThat(page).containsPattern("<tr class=\"regressed\">\\s*<td><span>label billing</span>\\s*<b> regressed</b>")
                .containsPattern("<tr>\\s*<td><span>label shipping</span>");
        assertThat(page).contains("<td>training cost</td>\n      <td>$12.50 (0.42 GPU-hours at $30/h)</td>")
                .contains("<td>saving per request</td>\n      <td>$0.00170</td>")
                .contains("<td class=\"unknown\">unknown: no gateway traffic in the last 30 days and no declared volume</td>")
                .contains("<td class=\"unknown\">unknown: needs the monthly volume</td>")
                .contains("<td>break-even after</td>\n      <td>7353 requests</td>");
        assertThat(page).contains("<b id=\"leakage-rate\" class=\"flagged\">7.4 %</b>")
                .contains("(flagged above <span>5.0 %</span>)")
                .contains("id=\"leakage-flagged\"");
        // the run is interrupted: a decision would wait until it is resumed
        assertThat(page).contains("id=\"run-interrupted\"")
                .contains("the engine restarted while the run was waiting");
        // a resubmission: the earlier decision and what changed since, key by key
        assertThat(page).contains("id=\"resubmission\"").contains("<b>reviewer2</b>")
                .contains("Billing tickets are under-represented.").contains("<b>DATASET</b>")
                .containsPattern("<td>gate.verdict</td><td class=\"code\">INCONCLUSIVE</td>\\s*<td class=\"code\">PROMOTE</td>")
                .containsPattern("<td>trainRows</td><td class=\"code\">640</td>\\s*<td class=\"code\">700</td>")
                .containsPattern("<td>candidateModelName</td><td class=\"code\">routing-ft-r0</td>\\s*<td class=\"code\">routing-ft-r1</td>")
                .containsPattern("<td>leakage.testOverlapRate</td><td class=\"code\">—</td>\\s*<td class=\"code\">0.074</td>");
        assertThat(page).contains("id=\"decision-form\"").doesNotContain("id=\"read-only\"");
    }

    @Test
    void anEngineerSeesTheReviewReadOnly() throws Exception {
        String page = page("/console/reviews/" + approvalId, user("engineer").roles("ENGINEER"));
        assertThat(page).contains("id=\"read-only\"").contains("only a reviewer (REVIEWER role) decides")
                .doesNotContain("id=\"decision-form\"").contains("PROMOTE");
    }

    @Test
    void aDecidedReviewShowsItsChecklistNotesAndComment() throws Exception {
        String page = page("/console/reviews/" + earlierId, user("reviewer").roles("REVIEWER"));
        assertThat(page).contains("id=\"decided-checklist\"")
                .containsPattern("<td>Task clarity</td>\\s*<td class=\"pass\">✓ ticked</td>\\s*<td>labels stable since March</td>")
                .containsPattern("<td>Data readiness</td>\\s*<td class=\"fail\">✗ not ticked</td>\\s*<td>billing has 12 examples</td>")
                .containsPattern("<td>Fallbacks</td>\\s*<td class=\"fail\">✗ not ticked</td>")
                .contains("<span id=\"decision-comment\">Billing tickets are under-represented.</span>")
                .contains(", sent back to the DATASET stage")
                .doesNotContain("id=\"decision-form\"")
                .doesNotContain("id=\"run-interrupted\""); // decided: nothing waits on the run
    }

    @Test
    void anUnknownExampleFilterIsABadRequestNamingTheParameter() throws Exception {
        String body = mvc.perform(get("/console/reviews/" + approvalId).param("examples", "everything")
                        .with(user("reviewer").roles("REVIEWER")))
                .andExpect(status().isBadRequest())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(body).contains("examples");
    }

    private String page(String path, RequestPostProcessor user) throws Exception {
        return mvc.perform(get(path).with(user)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
    }
}
