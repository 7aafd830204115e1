package io.gatehouse.it.console;

import static io.gatehouse.it.console.ConsoleSite.PASSWORD;
import static io.gatehouse.it.console.ConsoleSite.USER;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A console session left unused for {@code session_timeout} (2 s here) expires, and the console goes
 * back to the login page and says why. An open console refreshes its panels every few seconds, which
 * is use, so the browser is cut off the network for longer than the timeout, as a laptop put to sleep
 * with the console open: when it is back, the console's next call is refused and it shows the login page.
 */
@Timeout(60)
class ConsoleSessionTest {
    @RegisterExtension
    static final ConsoleSite site = ConsoleSite.withSessionTimeout("2s");

    @Test
    void aSessionLeftUnusedExpiresAndTheConsoleReturnsToTheLoginPage() throws InterruptedException {
        Browser browser = site.browser;
        browser.loginToConsole(USER, PASSWORD);
        browser.await("the pool view", d -> !browser.all("#pools-body tr[data-member]").isEmpty());
        @SuppressWarnings("unchecked")
        Map<String, Object> session = (Map<String, Object>) browser.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "fetch('/api/session', {credentials: 'same-origin'}).then(r => r.json()).then(done, e => done({error: String(e)}));");
        browser.offline(true);
        try {
            // The time passing is what is tested: past the session's end as Gatehouse announced it (its last
            // use plus session_timeout, in whole seconds), with no call of the console reaching Gatehouse meanwhile.
            Instant end = Instant.parse((String) session.get("expires_at")).plusMillis(1500);
            while (Instant.now().isBefore(end)) {
                Thread.sleep(50);
            }
            assertTrue(browser.path().equals("/"), "still the console while offline");
        } finally {
            browser.offline(false);
        }
        browser.await("the login page", Duration.ofSeconds(15), d -> browser.path().startsWith("/login.html"));
        browser.awaitText("login-notice", "Your session expired");
    }
}
