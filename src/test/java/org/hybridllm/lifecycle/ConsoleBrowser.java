package org.hybridllm.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium (Debian's chromium + chromium-driver) for the console's browser tests, with the one way of
 * logging in they share: a form post is followed by a page load, so the tests wait for the old page to go before
 * they read the new one (reading at once finds the login page's elements, stale a moment later).
 */
final class ConsoleBrowser {

    private ConsoleBrowser() {
    }

    static WebDriver open(Duration implicitWait) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver")))
                .build();
        WebDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().implicitlyWait(implicitWait);
        return browser;
    }

    static void close(WebDriver browser) {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Opens the console logged out, signs in and lands on the review queue. */
    static void logInAs(WebDriver browser, String baseUrl, String user, String password) {
        browser.get(baseUrl + "/console");
        assertThat(browser.getCurrentUrl()).endsWith("/login"); // anonymous users are sent to the login page
        submitLogin(browser, user, password);
        assertThat(heading(browser)).isEqualTo("Pending reviews");
    }

    static void submitLogin(WebDriver browser, String user, String password) {
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        WebElement signIn = browser.findElement(By.id("sign-in"));
        signIn.click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.stalenessOf(signIn));
    }

    /** The page's h1 once it is there; a page still loading is waited for, not read half-way. */
    static String heading(WebDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(30))
                .ignoring(StaleElementReferenceException.class)
                .until(driver -> driver.findElement(By.tagName("h1")).getText());
    }
}
