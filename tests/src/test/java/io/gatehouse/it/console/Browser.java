package io.gatehouse.it.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through Debian's chromedriver, at 1280 x 900, for the console's
 * tests: both executables are named, so Selenium never looks for or downloads a browser or a driver.
 * When either is missing the test fails and says what to install (CI installs both, see {@code .ci/run}).
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriverService service;
    final ChromeDriver driver;
    private final String origin;

    private Browser(ChromeDriverService service, ChromeDriver driver, String origin) {
        this.service = service;
        this.driver = driver;
        this.origin = origin;
    }

    /** A browser whose relative addresses go to {@code origin} ({@code http://127.0.0.1:PORT}). */
    static Browser open(String origin) {
        for (String exe : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(Path.of(exe))) {
                throw new AssertionError(exe + " is missing: the console's browser tests need Debian's chromium and"
                        + " chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them)");
            }
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--lang=en-US");
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(1280, 900));
            return new Browser(service, driver, origin);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    /** Loads {@code path} ({@code /}, {@code /login.html}) of the admin listener. */
    void get(String path) {
        driver.get(origin + path);
    }

    /** The path of the page shown now. */
    String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(origin) ? url.substring(origin.length()) : url;
    }

    WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits (at most {@link #WAIT}) until {@code condition} gives something other than null or false. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        return await(what, WAIT, condition);
    }

    <T> T await(String what, Duration within, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, within, Duration.ofMillis(50))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .ignoring(org.openqa.selenium.NoSuchElementException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError("not within " + within.toSeconds() + " s: " + what + "\nthe page at " + path()
                    + " says:\n" + bodyText(), e);
        }
    }

    /** Waits until the element {@code id} holds {@code text}; its whole text. */
    String awaitText(String id, String text) {
        return await("#" + id + " to say \"" + text + "\"", d -> {
            String t = byId(id).getText();
            return t.contains(text) ? t : null;
        });
    }

    String bodyText() {
        try {
            return driver.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(no page: " + e.getMessage() + ")";
        }
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Fills in and sends the login form (the login page must be shown). */
    void login(String user, String password) {
        WebElement u = byId("login-user");
        u.clear();
        u.sendKeys(user);
        WebElement p = byId("login-password");
        p.clear();
        p.sendKeys(password);
        byId("login-submit").click();
    }

    /** Logs in from the login page and waits for the console to show who is logged in. */
    void loginToConsole(String user, String password) {
        get("/login.html");
        login(user, password);
        await("the console after logging in", d -> path().equals("/") && byId("user").getText().equals(user));
    }

    /** Cuts the browser off the network ({@code true}) or puts it back, as a laptop lid closed and opened. */
    void offline(boolean offline) {
        if (offline) {
            ChromiumNetworkConditions c = new ChromiumNetworkConditions();
            c.setOffline(true);
            driver.setNetworkConditions(c);
        } else {
            driver.deleteNetworkConditions();
        }
    }

    /** Shows the page as a phone of {@code width} x {@code height} CSS pixels would ({@code 0}: back to the window). */
    void phone(int width, int height) {
        if (width == 0) {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        } else {
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                    "deviceScaleFactor", 1, "mobile", true));
        }
    }

    /** What the page wrote to the browser's console at level SEVERE (errors, refused by the CSP) since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(e -> e.getMessage()).toList();
    }

    /** A PNG of what the window shows now. */
    byte[] screenshot() {
        return ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    }

    /** A PNG of one element. */
    byte[] screenshot(WebElement element) {
        return element.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }

    static void write(Path file, byte[] png) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
