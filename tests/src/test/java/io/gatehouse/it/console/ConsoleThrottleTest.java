package io.gatehouse.it.console;

import static io.gatehouse.it.console.ConsoleSite.USER;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Repeated failed logins from one address are slowed, and the login page says how long to wait. A class
 * of its own: once slowed, this address cannot log in for a while.
 */
@Timeout(60)
class ConsoleThrottleTest {
    @RegisterExtension
    static final ConsoleSite site = ConsoleSite.withSessionTimeout("30m");

    @Test
    void repeatedFailedLoginsAreSlowedAndThePageShowsTheWait() {
        Browser browser = site.browser;
        browser.get("/login.html");
        String said = "";
        for (int attempt = 1; attempt <= 8 && !said.startsWith("too many attempts"); attempt++) {
            browser.login(USER, "wrong " + attempt);
            int n = attempt;
            said = browser.await("the answer to attempt " + n, d -> {
                String t = browser.byId("login-error").getText();
                return !t.isEmpty() && browser.byId("login-submit").isEnabled() ? t : null;
            });
        }
        assertTrue(said.matches("too many attempts, try again in \\d+[ \\u00a0]s"), "the page shows the wait: " + said);
        assertTrue(browser.path().startsWith("/login.html"));
        Screenshots.save("login", browser.screenshot(browser.driver.findElement(By.cssSelector(".login-box"))));
    }
}
