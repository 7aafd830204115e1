package io.gatehouse.it.console;

import static io.gatehouse.it.console.ConsoleSite.PASSWORD;
import static io.gatehouse.it.console.ConsoleSite.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The console's panels in a real browser against a real Gatehouse: the pool view shows a member going
 * down and drains one; the request table shows a request made during the test with the 17 fields of
 * the request log in their documented order, and stops updating while paused; the reload button shows a
 * broken file's {@code file:line} error, and applies once the file is fixed; the purge form purges a
 * cached URL; at a phone's width only the request table scrolls sideways.
 */
@Timeout(90)
class ConsoleTest {
    @RegisterExtension
    static final ConsoleSite site = ConsoleSite.withSessionTimeout("30m");

    /** The 17 columns, named as docs/logs.md names the fields, in its order. */
    static final List<String> SEVENTEEN = List.of("date", "time", "client", "server", "method", "URL", "protocol",
            "status", "bytes received", "bytes sent", "global transaction id", "local transaction id", "user",
            "token", "user agent", "handling time", "sending time");
    static final List<String> EXTRAS = List.of("cluster", "member", "attempts", "cache", "client_ip");

    private static final AtomicLong unique = new AtomicLong(System.nanoTime() % 1_000_000);

    private static Browser browser;

    @BeforeAll
    static void logIn() {
        browser = site.browser;
        browser.loginToConsole(USER, PASSWORD);
    }

    /**
     * With {@code -Dgatehouse.screenshots=DIR} only: the whole console at 1280 px with a member down and
     * some traffic, and the request log with several rows, for docs/console.md.
     */
    @AfterAll
    static void screenshotsForTheDocs() throws Exception {
        if (Screenshots.directory().isEmpty()) {
            return;
        }
        browser.phone(0, 0);
        browser.get("/");
        for (String path : List.of("/", "/index.html", "/cached/logo.png", "/cached/logo.png", "/api/cart?id=7",
                "/api/cart?id=8", "/img/banner.jpg", "/cached/logo.png", "/search?q=gatehouse", "/health-page")) {
            site.get(path, "User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        }
        site.b.stop();
        try {
            awaitState(site.b, "down");
            browser.await("ten rows", d -> browser.all("#requests-body tr").size() >= 10);
            browser.await("the traffic chart's lines", Duration.ofSeconds(30),
                    d -> browser.all("#chart-rps polyline.line-rps").isEmpty() ? null : true);
            Screenshots.save("overview", browser.screenshot());
            browser.script("document.getElementById('requests').scrollIntoView()");
            Screenshots.save("requests", browser.screenshot(browser.byId("requests")));
        } finally {
            site.b.restart();
        }
    }

    @BeforeEach
    void openConsole() {
        browser.get("/");
        browser.await("the pool view", d -> !browser.all("#pools-body tr[data-member]").isEmpty());
    }

    private static WebElement memberRow(ConsoleMember m) {
        return browser.driver.findElement(By.cssSelector(
                "#pools-body .cluster[data-cluster='app'] tr[data-member='" + m.address() + "']"));
    }

    /** Waits until the pool view shows {@code m} in {@code state}, in words; its row. */
    private static WebElement awaitState(ConsoleMember m, String state) {
        return browser.await(m.address() + " shown " + state, d -> {
            WebElement row = memberRow(m);
            return row.findElement(By.cssSelector(".state")).getText().equals(state) ? row : null;
        });
    }

    @Test
    void thePoolViewShowsAMemberGoingDownInWordsAndInColour() throws Exception {
        awaitState(site.b, "up");
        site.b.stop();
        try {
            WebElement row = awaitState(site.b, "down");
            WebElement badge = row.findElement(By.cssSelector(".state"));
            assertTrue(badge.getAttribute("class").contains("state-down"), badge.getAttribute("class"));
            assertEquals("rgba(138, 28, 28, 1)", badge.getCssValue("color"), "down is drawn in its own colour");
            String why = row.findElement(By.cssSelector("td.why")).getText();
            assertTrue(why.contains("refused") || why.contains("fail"), "the why says what failed: " + why);
            assertTrue(row.findElement(By.cssSelector("td.check")).getText().startsWith("failed"),
                    "the last check failed");
            assertEquals("up", awaitState(site.a, "up").findElement(By.cssSelector(".state")).getText(),
                    "the other member stays up");
            Screenshots.save("pools", browser.screenshot(browser.byId("pools")));
        } finally {
            site.b.restart();
        }
        awaitState(site.b, "up");
    }

    @Test
    void theDrainButtonDrainsAMemberAndUndrainBringsItBack() {
        awaitState(site.a, "up");
        String key = "app " + site.a.address();
        By button = By.cssSelector("#pools-body button[data-key='" + key + "']");
        WebElement drain = browser.driver.findElement(button);
        assertEquals("Drain", drain.getText());
        assertEquals("Drain " + site.a.address() + " in app", drain.getAttribute("aria-label"));
        browser.script("arguments[0].focus()", drain);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        awaitState(site.a, "draining");
        browser.awaitText("pools-drain-result", site.a.address() + " in @app is draining");
        WebElement undrain = browser.await("the Undrain button", d -> {
            WebElement b = d.findElement(button);
            return b.getText().equals("Undrain") ? b : null;
        });
        assertEquals(key, browser.driver.switchTo().activeElement().getAttribute("data-key"),
                "the focus stays on the member's button, now Undrain");
        undrain.click();
        browser.awaitText("pools-drain-result", "is no longer draining");
        awaitState(site.a, "up");
    }

    @Test
    void theRequestTableShowsARequestMadeDuringTheTestWithItsSeventeenColumnsInOrder() throws Exception {
        List<String> headers = browser.all("#requests-table thead th").stream().map(WebElement::getText).toList();
        assertEquals(SEVENTEEN, headers.subList(0, 17), "the 17 fields, named and ordered as docs/logs.md has them");
        assertEquals(EXTRAS, headers.subList(17, headers.size()), "the JSON form's extra fields come after the 17");

        long n = unique.incrementAndGet();
        String url = "/console-probe/" + n + "?x=" + n;
        String gtid = "console-test-" + n;
        String agent = "ConsoleTest/1.0 (selenium; \"quoted\")";
        HttpResponse<String> r = site.get(url, "X-Request-ID", gtid, "User-Agent", agent);
        assertEquals(200, r.statusCode());

        WebElement row = awaitRow(url);
        List<String> cells = row.findElements(By.tagName("td")).stream()
                .map(td -> td.getAttribute("textContent")).toList();
        assertEquals(22, cells.size(), cells.toString());
        assertTrue(cells.get(0).matches("\\d{4}\\.\\d{2}\\.\\d{2}"), "date: " + cells.get(0));
        assertTrue(cells.get(1).matches("\\d{2}:\\d{2}:\\d{2}"), "time: " + cells.get(1));
        assertTrue(cells.get(2).matches("127\\.0\\.0\\.1:\\d+"), "client: " + cells.get(2));
        assertEquals("127.0.0.1:" + site.port, cells.get(3), "server");
        assertEquals("GET", cells.get(4), "method");
        assertEquals(url, cells.get(5), "URL");
        assertEquals("HTTP/1.1", cells.get(6), "protocol");
        assertEquals("200", cells.get(7), "status");
        assertEquals("0", cells.get(8), "bytes received");
        assertEquals(String.valueOf(r.body().length()), cells.get(9), "bytes sent");
        assertEquals(gtid, cells.get(10), "global transaction id");
        assertTrue(cells.get(11).matches("\\d+"), "local transaction id: " + cells.get(11));
        assertEquals("-", cells.get(12), "user");
        assertEquals("-", cells.get(13), "token");
        assertEquals(agent, cells.get(14), "user agent");
        assertTrue(cells.get(15).matches("\\d+ms"), "handling time: " + cells.get(15));
        assertTrue(cells.get(16).matches("\\d+ms"), "sending time: " + cells.get(16));
        assertEquals("app", cells.get(17), "cluster");
        assertTrue(cells.get(18).equals(site.a.address()) || cells.get(18).equals(site.b.address()), "member: " + cells.get(18));
        assertEquals("1", cells.get(19), "attempts");
        assertEquals("127.0.0.1", cells.get(21), "client_ip");
        assertEquals(row, browser.all("#requests-body tr").get(0), "the newest request is on top");

        // The same record as the API gives it: its 17 fields, in the API's order, are the 17 cells.
        @SuppressWarnings("unchecked")
        Map<String, Object> api = (Map<String, Object>) browser.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "fetch('/api/requests?limit=5&q=' + encodeURIComponent(arguments[0]), {credentials: 'same-origin'})"
                + ".then(r => r.json()).then(done, e => done({error: String(e)}));", gtid);
        @SuppressWarnings("unchecked")
        List<String> fields = (List<String>) api.get("fields");
        @SuppressWarnings("unchecked")
        Map<String, Object> record = ((List<Map<String, Object>>) api.get("requests")).get(0);
        assertEquals(17, fields.size(), fields.toString());
        for (int i = 0; i < 17; i++) {
            Object v = record.get(fields.get(i));
            String shown = v == null ? "-" : fields.get(i).endsWith("_ms") ? v + "ms" : String.valueOf(v);
            assertEquals(shown, cells.get(i), "column " + (i + 1) + " (" + headers.get(i) + ") shows " + fields.get(i));
        }
    }

    @Test
    void pauseStopsTheTableUpdatingAndResumeShowsWhatCameMeanwhile() throws Exception {
        browser.awaitText("requests-state", "Live");
        WebElement pause = browser.byId("requests-pause");
        pause.click();
        assertEquals("true", pause.getAttribute("aria-pressed"));
        assertEquals("Resume", pause.getText());
        long n = unique.incrementAndGet();
        String url = "/paused/" + n;
        assertEquals(200, site.get(url).statusCode());
        browser.awaitText("requests-state", "1 new request waiting");
        assertTrue(rows(url).isEmpty(), "a paused table does not change");
        pause.click();
        assertEquals("false", pause.getAttribute("aria-pressed"));
        assertEquals(url, awaitRow(url).findElements(By.tagName("td")).get(5).getAttribute("textContent"));
        browser.awaitText("requests-state", "Live");
    }

    @Test
    void theFiltersApplyToTheInitialFillAndToTheStream() throws Exception {
        long n = unique.incrementAndGet();
        String keep = "/filter-keep-" + n;
        String drop = "/filter-drop-" + n;
        assertEquals(200, site.get(keep + "/1").statusCode());
        assertEquals(200, site.get(drop + "/1").statusCode());
        awaitRow(drop + "/1");
        try {
            WebElement text = browser.byId("filter-q");
            text.sendKeys("FILTER-KEEP-" + n);
            browser.byId("filter-apply").click();
            awaitRow(keep + "/1");
            browser.awaitText("requests-state", "Live");
            assertTrue(rows(drop + "/1").isEmpty(), "the initial fill is filtered");
            assertEquals(200, site.get(drop + "/2").statusCode());
            assertEquals(200, site.get(keep + "/2").statusCode());
            awaitRow(keep + "/2");
            assertTrue(rows(drop + "/2").isEmpty(), "the stream is filtered");
            assertEquals(2, browser.all("#requests-body tr").size(), "only what matches the text, case aside");
        } finally {
            browser.byId("filter-clear").click();
        }
        awaitRow(drop + "/2");
    }

    @Test
    void theConsoleIsOperableFromTheKeyboardWithAVisibleFocusThatSurvivesARefresh() {
        WebElement body = browser.driver.findElement(By.tagName("body"));
        body.sendKeys(Keys.TAB);
        WebElement skip = browser.driver.switchTo().activeElement();
        assertEquals("Skip to the panels", skip.getText());
        assertEquals("solid", skip.getCssValue("outline-style"), "the focus is visible");

        awaitState(site.a, "up");
        WebElement drain = browser.driver.findElement(By.cssSelector("#pools-body button[data-key='app " + site.a.address() + "']"));
        browser.script("arguments[0].focus()", drain);
        String before = browser.byId("pools-updated").getText();
        browser.await("a refresh of the pool view", d -> !browser.byId("pools-updated").getText().equals(before));
        WebElement focused = browser.driver.switchTo().activeElement();
        assertEquals("app " + site.a.address(), focused.getAttribute("data-key"), "the refresh keeps the focus on the button");
        assertEquals("solid", focused.getCssValue("outline-style"));

        WebElement pause = browser.byId("requests-pause");
        browser.script("arguments[0].focus()", pause);
        browser.driver.switchTo().activeElement().sendKeys(Keys.SPACE);
        assertEquals("true", pause.getAttribute("aria-pressed"), "Space presses a button");
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        assertEquals("false", pause.getAttribute("aria-pressed"), "and Enter");
        for (WebElement control : browser.all("input, select, button")) {
            String id = control.getAttribute("id");
            boolean labelled = control.getTagName().equals("button") ? !control.getAttribute("textContent").isBlank()
                    || control.getAttribute("aria-label") != null
                    : control.getAttribute("type").equals("radio") ? control.findElements(By.xpath("ancestor::label")).size() == 1
                    : !browser.all("label[for='" + id + "']").isEmpty();
            assertTrue(labelled, "every control has a label: " + control.getTagName() + "#" + id);
        }
    }

    @Test
    void theReloadButtonShowsABrokenFilesErrorAndAppliesOnceTheFileIsFixed() throws Exception {
        Path broken = site.confDir.resolve("20-broken.conf");
        Files.writeString(broken, "[@broken]\nmembers = 127.0.0.1:notaport\n", StandardCharsets.UTF_8);
        try {
            browser.byId("reload").click();
            String outcome = browser.awaitText("reload-result", "Reload refused");
            WebElement problems = browser.byId("reload-result").findElement(By.cssSelector("pre.problems"));
            String lines = problems.getText();
            assertTrue(lines.contains("20-broken.conf:2: "), "the error's file:line, verbatim: " + lines + "\n" + outcome);
            assertTrue(problems.getCssValue("font-family").toLowerCase().contains("mono"),
                    "errors are shown in monospace: " + problems.getCssValue("font-family"));
            assertEquals("polite", browser.byId("reload-result").getAttribute("aria-live"));
            browser.await("the last reload in the configuration panel",
                    d -> browser.byId("config-body").getText().contains("20-broken.conf:2: "));
            browser.script("document.getElementById('config').scrollIntoView()");
            Screenshots.save("config", browser.screenshot(browser.byId("config")));
        } finally {
            Files.delete(broken);
        }
        browser.byId("reload").sendKeys(Keys.ENTER);
        browser.awaitText("reload-result", "Reload applied");
        assertEquals("reload", browser.driver.switchTo().activeElement().getAttribute("id"), "the focus stays on Reload");
        assertTrue(browser.all("#reload-result pre.problems").isEmpty() || !browser.byId("reload-result").getText()
                .contains("20-broken.conf"), "no error once fixed");
    }

    @Test
    void thePurgeFormPurgesACachedUrlOrEverythingAfterItsConfirmStep() throws Exception {
        long n = unique.incrementAndGet();
        String path = "/cached/logo-" + n + ".png";
        assertEquals("MISS", xCache(site.get(path)));
        assertEquals("HIT", xCache(site.get(path)), "stored");
        browser.await("the purge form", d -> browser.byId("purge-form").isDisplayed());

        WebElement target = browser.byId("purge-target");
        target.clear();
        target.sendKeys("http://127.0.0.1" + path);
        browser.byId("purge-submit").click();
        WebElement confirm = browser.byId("purge-confirm");
        assertTrue(confirm.isDisplayed(), "a confirm step before anything is purged");
        assertTrue(browser.byId("purge-confirm-text").getText().contains(path));
        assertEquals("HIT", xCache(site.get(path)), "nothing purged before the confirmation");
        browser.byId("purge-confirm-yes").click();
        browser.awaitText("purge-result", "Purged 1 entry");
        assertFalse(confirm.isDisplayed());
        assertEquals("MISS", xCache(site.get(path)), "the next request goes to a member");
        assertEquals(2, site.a.requests(path) + site.b.requests(path), "the first request and the one after the purge");

        String other = "/cached/other-" + n + ".css";
        site.get(other);
        assertEquals("HIT", xCache(site.get(other)), "stored");
        browser.driver.findElement(By.cssSelector("input[name='purge-kind'][value='all']")).click();
        assertFalse(browser.byId("purge-target").isDisplayed(), "everything needs no URL");
        browser.byId("purge-submit").click();
        assertEquals("Purge everything in the cache, every tier?", browser.byId("purge-confirm-text").getText());
        browser.byId("purge-confirm-yes").click();
        assertTrue(browser.awaitText("purge-result", "(everything)").matches("Purged \\d+ entr(y|ies) \\(everything\\)\\."),
                browser.byId("purge-result").getText());
        assertEquals("MISS", xCache(site.get(other)));
        assertEquals("MISS", xCache(site.get(path)), "every entry is gone");
    }

    @Test
    void atAPhonesWidthOnlyTheRequestTableScrollsSideways() {
        browser.phone(390, 844);
        try {
            browser.get("/");
            browser.await("the pool view", d -> !browser.all("#pools-body tr[data-member]").isEmpty());
            browser.await("some requests in the table", d -> {
                try {
                    site.get("/phone");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return !browser.all("#requests-body tr").isEmpty();
            });
            long viewport = (Long) browser.script("return document.documentElement.clientWidth");
            long page = (Long) browser.script("return document.documentElement.scrollWidth");
            assertEquals(390, viewport);
            assertTrue(page <= viewport, "the page itself does not scroll sideways: " + page + " > " + viewport);
            long tableWidth = (Long) browser.script("return document.getElementById('requests-scroll').scrollWidth");
            long scroller = (Long) browser.script("return document.getElementById('requests-scroll').clientWidth");
            assertTrue(tableWidth > scroller, "the request table scrolls in its own box: " + tableWidth + " vs " + scroller);
            Screenshots.save("phone", browser.screenshot());
        } finally {
            browser.phone(0, 0);
        }
    }

    @Test
    void everyPanelLoadsUnderTheContentSecurityPolicyWithoutAnError() {
        browser.consoleErrors();
        browser.get("/");
        browser.await("every panel loaded", d -> !browser.all("#pools-body tr[data-member]").isEmpty()
                && !browser.all("#config-body dl.facts").isEmpty() && !browser.all("#cache-body table").isEmpty()
                && !browser.all("#chart-rps > *").isEmpty() && browser.byId("version").getText().startsWith("version 0.")
                && browser.byId("requests-state").getText().equals("Live"));
        assertEquals(List.of(), browser.consoleErrors(), "nothing refused, nothing thrown");
    }

    @Test
    void theTrafficChartDrawsTheSeriesAndSaysItInWords() throws Exception {
        WebElement rps = browser.byId("chart-rps");
        assertEquals("img", rps.getAttribute("role"));
        assertTrue(rps.getAttribute("aria-labelledby").contains("chart-summary"), "the chart's text is its summary");
        // traffic, then two samples of the metrics (one every 5 s): the series has a line to draw
        assertEquals(200, site.get("/chart-traffic").statusCode());
        browser.await("two points in /api/series", Duration.ofSeconds(30), d -> seriesPoints() >= 2 ? true : null);
        WebElement line = browser.await("the requests/s line", d -> rps.findElement(By.cssSelector("polyline.line-rps")));
        assertTrue(line.getAttribute("points").split(" ").length >= 2, line.getAttribute("points"));
        // the p99 line's points, not isDisplayed: a flat line (the same p99 in both samples, as whole
        // milliseconds often are) has a zero-height box, which WebDriver counts as not shown
        WebElement p99 = browser.await("the p99 line", d -> browser.byId("chart-p99").findElement(By.cssSelector("polyline.line-p99")));
        assertTrue(p99.getAttribute("points").split(" ").length >= 2, p99.getAttribute("points"));
        assertTrue(browser.byId("chart-summary").getText().matches("Last \\d+ minutes?: .* requests/s now .*p99 .* ms now.*"),
                browser.byId("chart-summary").getText());
    }

    /** How many points {@code /api/series} has now, asked from the logged-in page. */
    private static int seriesPoints() {
        @SuppressWarnings("unchecked")
        Map<String, Object> series = (Map<String, Object>) browser.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "fetch('/api/series', {credentials: 'same-origin'}).then(r => r.json()).then(done, e => done({error: String(e)}));");
        List<?> points = (List<?>) series.get("points");
        return points == null ? 0 : points.size();
    }

    private static String xCache(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache").orElse(null);
    }

    private List<WebElement> rows(String url) {
        return browser.driver.findElements(By.xpath("//tbody[@id='requests-body']/tr[td[6][.='" + url + "']]"));
    }

    private WebElement awaitRow(String url) {
        return browser.await("a row for " + url + " in the request table", d -> {
            List<WebElement> found = rows(url);
            return found.isEmpty() ? null : found.get(0);
        });
    }
}
