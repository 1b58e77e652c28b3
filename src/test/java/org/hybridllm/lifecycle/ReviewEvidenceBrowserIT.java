package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.governance.DecisionRequest;
import org.hybridllm.lifecycle.governance.ReviewChecklist;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The review's evidence in headless Chromium, on a real run of the routing sample waiting at its gate: the
 * example list filters and pages, the intervals are shown, an engineer sees the review read-only, and once decided
 * the review shows the checklist the reviewer ticked. The decision comes last: it ends the run.
 */
@AppTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReviewEvidenceBrowserIT {

    static final String USE_CASE = "tickets-evidence-browser";

    @LocalServerPort
    int port;
    @Autowired
    TestRestTemplate http;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    JdbcClient jdbc;

    static WebDriver browser;
    /** One run for the class: a run to its gate is most of a minute. */
    static UUID runId;
    static String approvalId;
    LifecycleApi api;

    @BeforeAll
    static void openBrowser() {
        browser = ConsoleBrowser.open(Duration.ofSeconds(5));
    }

    @BeforeEach
    void aRunAtItsGateAndNobodyLoggedIn() {
        api = new LifecycleApi(http);
        browser.manage().deleteAllCookies();
        if (runId == null) {
            sampleData.loadInto(USE_CASE);
            runId = api.startRun(LifecycleApi.ENGINEER, USE_CASE);
            JsonNode run = api.awaitStatus(runId, LifecycleRunIT.TIMEOUT, "AWAITING_APPROVAL");
            approvalId = run.path("pendingApprovals").get(0).path("id").asText();
        }
    }

    @AfterAll
    static void closeBrowser() {
        ConsoleBrowser.close(browser);
    }

    @Test
    @Order(1)
    void theReviewerFiltersAndPagesTheExamplesAndSeesTheIntervals() {
        logInAs("reviewer", "reviewer-dev");
        browser.get(url("/console/reviews/" + approvalId));
        long candidateRun = evalRun("candidateEvalRunId");
        long championRun = evalRun("championEvalRunId");

        // failing examples first, as many as the candidate failed
        long failing = jdbc.sql("select count(*) from eval_example_result where eval_run_id = ? and not passed")
                .param(candidateRun).query(Long.class).single();
        assertThat(browser.findElement(By.id("examples-count")).getText()).isEqualTo(Long.toString(failing));
        assertThat(browser.findElements(By.cssSelector("#examples tr.example"))).hasSize((int) Math.min(failing, 20));

        // both sets for every role, each with its 95 % interval
        assertThat(browser.findElements(By.cssSelector("#set-test-split .ci"))).hasSize(3)
                .allSatisfy(ci -> assertThat(ci.getText()).matches("\\[[01]\\.\\d{3}, [01]\\.\\d{3}]"));
        assertThat(browser.findElements(By.cssSelector("#set-eval-set .ci"))).hasSize(3);
        // per label: support, precision and recall with Wilson intervals and their counts
        assertThat(browser.findElements(By.cssSelector("#slice-table tr.slice-row"))).hasSize(10)
                .allSatisfy(row -> assertThat(row.getText()).containsPattern("[01]\\.\\d{3} \\[[01]\\.\\d{3}, [01]\\.\\d{3}] \\(\\d+/\\d+\\)"));
        assertThat(browser.findElement(By.id("confusion-candidate")).getText()).contains("rows expected");
        assertThat(browser.findElement(By.id("calls-candidate")).getText()).contains("ms");

        // changed: the champion and the candidate passed differently or answered differently
        browser.findElement(By.id("filter-changed")).click();
        long changed = jdbc.sql("""
                        select count(*) from eval_example_result c join eval_example_result p
                          on p.eval_run_id = ? and p.position = c.position
                        where c.eval_run_id = ? and (c.passed <> p.passed or c.output is distinct from p.output)""")
                .params(championRun, candidateRun).query(Long.class).single();
        assertThat(browser.findElement(By.id("examples-count")).getText()).isEqualTo(Long.toString(changed));
        assertThat(changed).isPositive();

        // all of them, twenty a page
        browser.findElement(By.id("filter-all")).click();
        long all = jdbc.sql("select count(*) from eval_example_result where eval_run_id = ?").param(candidateRun)
                .query(Long.class).single();
        assertThat(browser.findElement(By.id("examples-count")).getText()).isEqualTo(Long.toString(all));
        String firstOnPageOne = browser.findElement(By.cssSelector("#examples tr.example td")).getText();
        browser.findElement(By.id("next-examples")).click();
        assertThat(browser.findElement(By.id("examples-page")).getText()).isEqualTo("2");
        assertThat(browser.getCurrentUrl()).contains("examples=all");
        assertThat(browser.findElement(By.cssSelector("#examples tr.example td")).getText())
                .isNotEqualTo(firstOnPageOne);
        assertThat(browser.findElement(By.id("decision-form")).isDisplayed()).isTrue();
    }

    @Test
    @Order(2)
    void anEngineerSeesTheReviewReadOnly() {
        logInAs("engineer", "engineer-dev");
        browser.get(url("/console/reviews/" + approvalId));
        assertThat(browser.findElement(By.id("read-only")).getText()).contains("only a reviewer");
        assertThat(browser.findElements(By.id("decision-form"))).isEmpty();
        assertThat(browser.findElement(By.id("examples-count")).getText()).isNotEmpty();
    }

    @Test
    @Order(3)
    void aDecidedReviewShowsTheChecklistItsReviewerTicked() {
        Map<ReviewChecklist, DecisionRequest.ChecklistEntry> checklist = LifecycleApi.allTicked();
        checklist.put(ReviewChecklist.CONSENT,
                new DecisionRequest.ChecklistEntry(true, "terms of service 4.2 cover support tickets"));
        assertThat(api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "per-label CIs checked", checklist)
                .getStatusCode().value()).isEqualTo(200);

        logInAs("reviewer2", "reviewer2-dev");
        browser.get(url("/console/reviews/" + approvalId));
        assertThat(browser.findElement(By.id("approval-status")).getText()).isEqualTo("APPROVED");
        assertThat(browser.findElements(By.cssSelector("#decided-checklist tr.checklist-row")))
                .hasSize(ReviewChecklist.values().length)
                .extracting(WebElement::getText).allMatch(row -> row.contains("✓ ticked"))
                .anyMatch(row -> row.contains("Governance: consent")
                        && row.contains("terms of service 4.2 cover support tickets"));
        assertThat(browser.findElement(By.id("decision-comment")).getText()).isEqualTo("per-label CIs checked");
        assertThat(browser.findElements(By.id("decision-form"))).isEmpty();
    }

    private long evalRun(String key) {
        return jdbc.sql("select (evidence ->> ?)::bigint from approval where id = ?")
                .params(key, UUID.fromString(approvalId)).query(Long.class).single();
    }

    private void logInAs(String user, String password) {
        ConsoleBrowser.logInAs(browser, url(""), user, password);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
