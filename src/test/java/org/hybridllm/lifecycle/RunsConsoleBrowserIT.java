package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hybridllm.lifecycle.run.InterruptedRunDetector;
import org.hybridllm.lifecycle.run.LifecycleRun;
import org.hybridllm.lifecycle.run.RunRepository;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;

/**
 * The console's run pages in headless Chromium: the branded login, the runs list and its filters, an INTERRUPTED
 * run (its process instance lost, detected as at a restart) with its reason and a Resume button only an engineer
 * gets, what a decision led to, and HTML error pages.
 */
@AppTest
class RunsConsoleBrowserIT {

    static final String USE_CASE = "tickets-runs-console";

    @LocalServerPort
    int port;
    @Autowired
    TestRestTemplate http;
    @Autowired
    SampleDataLoader sampleData;
    @Autowired
    RunRepository runs;
    @Autowired
    InterruptedRunDetector detector;
    @Autowired
    CamundaClient camunda;

    static WebDriver browser;
    /** Started once for the class: a run of the engineer's (interrupted, resumed) and a cancelled one of admin's. */
    static UUID engineersRun;
    static UUID cancelledRun;
    LifecycleApi api;

    @BeforeAll
    static void openBrowser() {
        browser = ConsoleBrowser.open(Duration.ofSeconds(2));
    }

    @AfterAll
    static void closeBrowser() {
        ConsoleBrowser.close(browser);
    }

    @BeforeEach
    void loggedOut() {
        api = new LifecycleApi(http);
        browser.manage().deleteAllCookies();
    }

    @Test
    void theLoginPageIsTheProductsAndSaysWhyYouAreBackOnIt() {
        browser.get(url("/console/runs"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        assertThat(browser.getTitle()).isEqualTo("Sign in · LLM lifecycle");
        assertThat(browser.findElement(By.id("login-title")).getText()).contains("LLM lifecycle console");
        assertThat(browser.findElement(By.tagName("link")).getAttribute("href")).endsWith("/console.css");

        submitLogin("reviewer", "not-the-password");
        assertThat(browser.getCurrentUrl()).endsWith("/login?error");
        assertThat(browser.findElement(By.id("login-error")).getText()).isEqualTo("Wrong user name or password.");

        submitLogin("reviewer", "reviewer-dev");
        assertThat(ConsoleBrowser.heading(browser)).isEqualTo("Runs"); // where the user was going
        browser.findElement(By.id("logout")).click();
        assertThat(browser.getCurrentUrl()).endsWith("/login?logout");
        assertThat(browser.findElement(By.id("login-logout")).getText()).isEqualTo("You have been signed out.");
    }

    @Test
    void anInterruptedRunSaysWhyAndOnlyAnEngineerResumesIt() {
        startRuns();
        interrupt(engineersRun);

        // a reviewer sees why, but no button; the endpoint refuses a reviewer's POST with an HTML page
        logInAs("reviewer", "reviewer-dev");
        browser.get(url("/console/runs/" + engineersRun));
        assertThat(browser.findElement(By.id("run-status")).getText()).isEqualTo("INTERRUPTED");
        assertThat(browser.findElement(By.id("interruption-reason")).getText())
                .isEqualTo(InterruptedRunDetector.INSTANCE_LOST);
        assertThat(browser.findElement(By.id("interruption-last-stage")).getText()).startsWith("lifecycle.");
        assertThat(browser.findElement(By.id("interruption-at")).getText()).isNotBlank();
        assertThat(browser.findElements(By.id("resume"))).isEmpty();
        assertThat(browser.findElement(By.id("resume-needs-engineer")).getText()).contains("ENGINEER");
        postFormFromThePage("/console/runs/" + engineersRun + "/resume");
        assertThat(browser.findElement(By.id("error-status")).getText()).isEqualTo("403");
        assertThat(browser.findElement(By.id("error-detail")).getText())
                .isEqualTo("Your role does not allow this action.");
        assertThat(runs.find(engineersRun).orElseThrow().status().name()).isEqualTo("INTERRUPTED");

        // the engineer resumes it; completed stages replay and it waits on its review again
        browser.manage().deleteAllCookies();
        logInAs("engineer", "engineer-dev");
        browser.get(url("/console/runs/" + engineersRun));
        browser.findElement(By.id("resume")).click();
        assertThat(browser.findElement(By.id("message")).getText()).startsWith("Resumed: attempt 2");
        JsonNode awaiting = api.awaitStatus(engineersRun, LifecycleRunIT.TIMEOUT, "AWAITING_APPROVAL");
        assertThat(awaiting.path("attempt").asInt()).isEqualTo(2);

        // resuming again is refused, and the refusal is on the page
        postFormFromThePage("/console/runs/" + engineersRun + "/resume");
        assertThat(browser.findElement(By.id("error")).getText())
                .startsWith("Not resumed:").contains("only an INTERRUPTED run can be resumed");

        // after the review's decision the page says what it led to
        String approvalId = awaiting.path("pendingApprovals").get(0).path("id").asText();
        assertThat(api.decide(LifecycleApi.REVIEWER, approvalId, "APPROVE", "resumed run checked")
                .getStatusCode().value()).isEqualTo(200);
        api.awaitStatus(engineersRun, LifecycleRunIT.TIMEOUT, "COMPLETED");
        browser.get(url("/console/runs/" + engineersRun));
        assertThat(browser.findElement(By.id("run-outcome")).getText()).isEqualTo("PROMOTED");
        assertThat(browser.findElement(By.id("decision-status")).getText()).isEqualTo("APPROVED");
        assertThat(browser.findElement(By.id("decision-by")).getText()).isEqualTo("reviewer");
        assertThat(browser.findElement(By.id("decision-comment")).getText()).isEqualTo("resumed run checked");
        assertThat(browser.findElement(By.id("decision-at")).getText()).isNotBlank();
        assertThat(browser.findElement(By.id("next-step")).getText())
                .isEqualTo("Promoted by reviewer: the candidate is the champion of " + USE_CASE
                        + " now. Nothing more happens in this run.");
        assertThat(browser.findElements(By.id("interruption"))).isEmpty();
    }

    @Test
    void theRunsListFiltersByUseCaseStatusOutcomeRequesterAndDate() {
        startRuns();
        logInAs("reviewer", "reviewer-dev");
        browser.findElement(By.id("nav-runs")).click();
        assertThat(ConsoleBrowser.heading(browser)).isEqualTo("Runs");

        new Select(browser.findElement(By.id("filter-useCase"))).selectByValue(USE_CASE);
        browser.findElement(By.id("apply-filters")).click();
        assertThat(listedRuns()).containsExactly(cancelledRun, engineersRun); // newest first
        assertThat(browser.findElement(By.id("run-count")).getText()).isEqualTo("2 runs, newest first");

        new Select(browser.findElement(By.id("filter-status"))).selectByValue("CANCELLED");
        browser.findElement(By.id("apply-filters")).click();
        assertThat(listedRuns()).containsExactly(cancelledRun);
        assertThat(new Select(browser.findElement(By.id("filter-useCase"))).getFirstSelectedOption().getText())
                .isEqualTo(USE_CASE); // the form keeps the filters

        browser.get(url("/console/runs?useCase=" + USE_CASE + "&outcome=CANCELLED"));
        assertThat(listedRuns()).containsExactly(cancelledRun);
        browser.get(url("/console/runs?useCase=" + USE_CASE + "&startedBy=engineer"));
        assertThat(listedRuns()).containsExactly(engineersRun);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        browser.get(url("/console/runs?useCase=" + USE_CASE + "&createdFrom=" + today + "&createdTo=" + today));
        assertThat(listedRuns()).containsExactly(cancelledRun, engineersRun);
        browser.get(url("/console/runs?useCase=" + USE_CASE + "&createdFrom=" + tomorrow));
        assertThat(listedRuns()).isEmpty();
        assertThat(browser.findElement(By.id("no-runs")).getText()).isEqualTo("No run matches these filters.");

        // a bad filter is said beside the form, not a raw problem
        browser.get(url("/console/runs?createdFrom=" + tomorrow + "&createdTo=" + today));
        assertThat(browser.findElement(By.id("error")).getText()).isEqualTo("createdTo must be after createdFrom.");
        browser.get(url("/console/runs?status=FINISHED"));
        assertThat(browser.findElement(By.id("error")).getText())
                .startsWith("Parameter 'status' has an invalid value: FINISHED");

        // the API has the same filters
        JsonNode page = api.call(LifecycleApi.REVIEWER, HttpMethod.GET,
                "/api/runs?useCase=" + USE_CASE + "&startedBy=admin&outcome=cancelled&createdFrom=" + today, null)
                .getBody();
        assertThat(page.path("totalItems").asLong()).isEqualTo(1);
        assertThat(page.path("items").get(0).path("id").asText()).isEqualTo(cancelledRun.toString());
    }

    @Test
    void consoleErrorsAreHtmlPagesInTheConsole() {
        logInAs("reviewer", "reviewer-dev");
        UUID unknown = UUID.randomUUID();
        browser.get(url("/console/runs/" + unknown));
        assertThat(browser.findElement(By.id("error-status")).getText()).isEqualTo("404");
        assertThat(browser.findElement(By.id("error-detail")).getText()).contains(unknown.toString());
        assertThat(browser.findElement(By.id("nav-runs")).isDisplayed()).isTrue();
        browser.get(url("/console/no-such-page"));
        assertThat(browser.findElement(By.id("error-status")).getText()).isEqualTo("404");
        browser.get(url("/console/runs/not-a-uuid"));
        assertThat(browser.findElement(By.id("error-status")).getText()).isEqualTo("400");
        assertThat(browser.findElement(By.id("error-detail")).getText()).contains("'id'");
        assertThat(browser.getPageSource()).doesNotContain("Exception").doesNotContain("\"type\"");
    }

    /** The engineer's run up to its review, then the admin's, cancelled right away: once for the class. */
    private synchronized void startRuns() {
        if (engineersRun != null) {
            return;
        }
        sampleData.loadInto(USE_CASE);
        UUID first = api.startRun(LifecycleApi.ENGINEER, USE_CASE);
        api.awaitStatus(first, LifecycleRunIT.TIMEOUT, "AWAITING_APPROVAL");
        UUID second = api.startRun(LifecycleApi.ADMIN, USE_CASE);
        assertThat(api.call(LifecycleApi.ADMIN, HttpMethod.POST, "/api/runs/" + second + "/cancel",
                Map.of("reason", "started by mistake")).getStatusCode().value()).isEqualTo(200);
        engineersRun = first;
        cancelledRun = second;
    }

    /**
     * What an engine restart does to a run, on this engine: its process instance is gone, and the restart's
     * detector marks it INTERRUPTED.
     */
    private void interrupt(UUID runId) {
        LifecycleRun run = runs.find(runId).orElseThrow();
        camunda.newCancelInstanceCommand(run.processInstanceKey()).send().join();
        detector.markInterrupted(run, InterruptedRunDetector.INSTANCE_LOST);
    }

    private List<UUID> listedRuns() {
        return browser.findElements(By.className("run-row")).stream()
                .map(row -> UUID.fromString(row.getAttribute("data-run-id"))).toList();
    }

    /** A POST as a crafted form would send it: with the page's own CSRF token, from the logged-in session. */
    private void postFormFromThePage(String path) {
        String token = browser.findElement(By.cssSelector("input[name=_csrf]")).getAttribute("value");
        ((JavascriptExecutor) browser).executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = arguments[0];
                const csrf = document.createElement('input');
                csrf.type = 'hidden'; csrf.name = '_csrf'; csrf.value = arguments[1];
                form.appendChild(csrf);
                document.body.appendChild(form);
                form.submit();""", path, token);
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(driver -> !driver.findElements(By.tagName("h1")).isEmpty()
                        && !driver.findElements(By.id("error-status")).isEmpty()
                        || !driver.findElements(By.id("error")).isEmpty());
    }

    private void logInAs(String user, String password) {
        ConsoleBrowser.logInAs(browser, url(""), user, password);
    }

    private void submitLogin(String user, String password) {
        ConsoleBrowser.submitLogin(browser, user, password);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
