package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.hybridllm.lifecycle.sample.SampleDataLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A reviewer in headless Chromium (Debian's chromium + chromium-driver): logs in, opens the gate a real run on the
 * embedded engine waits on, ticks the checklist and decides; the run moves on.
 */
@AppTest
class ConsoleBrowserIT {

    @LocalServerPort
    int port;
    @Autowired
    TestRestTemplate http;
    @Autowired
    SampleDataLoader sampleData;

    /** One browser for the class (a Chromium start each is seconds); each test starts logged out. */
    static WebDriver browser;
    LifecycleApi api;

    @BeforeAll
    static void openBrowser() {
        browser = ConsoleBrowser.open(Duration.ofSeconds(5));
    }

    @BeforeEach
    void loggedOut() {
        api = new LifecycleApi(http);
        browser.manage().deleteAllCookies(); // the session of the previous test's reviewer
    }

    @AfterAll
    static void closeBrowser() {
        ConsoleBrowser.close(browser);
    }

    @Test
    void aReviewerApprovesInTheBrowserAndTheRunMovesOn() {
        UUID runId = runAwaitingApproval("tickets-browser-approve");
        logInAs("reviewer", "reviewer-dev");
        openReviewOf(runId);
        assertThat(browser.findElement(By.id("per-label-chart")).isDisplayed()).isTrue();

        // approving with an item left unticked is refused with a clear message, on the page
        browser.findElements(By.cssSelector("input[type=checkbox]")).stream().skip(1).forEach(WebElement::click);
        browser.findElement(By.id("approve")).click();
        assertThat(browser.findElement(By.id("error")).getText()).contains("not ticked: Task clarity");

        browser.findElements(By.cssSelector("input[type=checkbox]")).stream().filter(b -> !b.isSelected())
                .forEach(WebElement::click);
        browser.findElement(By.id("approve")).click();
        assertThat(browser.findElement(By.id("message")).getText()).contains("APPROVED");
        awaitRunStatus(runId, "COMPLETED");
        assertThat(browser.findElement(By.id("run-outcome")).getText()).isEqualTo("PROMOTED");
        assertThat(browser.findElements(By.className("audit-row"))).extracting(WebElement::getText)
                .anyMatch(row -> row.contains("reviewer") && row.contains("APPROVAL_APPROVED"));
    }

    @Test
    void aReviewerRejectsInTheBrowserWithAComment() {
        UUID runId = runAwaitingApproval("tickets-browser-reject");
        logInAs("reviewer2", "reviewer2-dev");
        openReviewOf(runId);
        browser.findElement(By.id("reject")).click();
        assertThat(browser.findElement(By.id("error")).getText()).contains("needs a comment");
        browser.findElement(By.id("comment")).sendKeys("Consent for the 2026 tickets is not documented.");
        browser.findElement(By.id("reject")).click();
        awaitRunStatus(runId, "REJECTED");
        browser.get(url("/console/history"));
        assertThat(browser.findElements(By.className("history-row"))).extracting(WebElement::getText)
                .anyMatch(row -> row.contains("REJECTED") && row.contains("reviewer2"));
    }

    private UUID runAwaitingApproval(String useCase) {
        sampleData.loadInto(useCase);
        UUID runId = api.startRun(LifecycleApi.ENGINEER, useCase);
        api.awaitStatus(runId, LifecycleRunIT.TIMEOUT, "AWAITING_APPROVAL");
        return runId;
    }

    private void logInAs(String user, String password) {
        ConsoleBrowser.logInAs(browser, url(""), user, password);
    }

    private void openReviewOf(UUID runId) {
        browser.get(url("/console"));
        browser.findElements(By.className("review-row")).stream()
                .filter(row -> row.getText().startsWith(runId.toString().substring(0, 8)))
                .findFirst().orElseThrow(() -> new AssertionError("run " + runId + " is not in the queue"))
                .findElement(By.className("open-review")).click();
        assertThat(browser.findElement(By.id("approval-status")).getText()).isEqualTo("PENDING");
    }

    private void awaitRunStatus(UUID runId, String status) {
        new WebDriverWait(browser, Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(500)).until(driver -> {
            driver.get(url("/console/runs/" + runId));
            return driver.findElement(By.id("run-status")).getText().equals(status);
        });
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
