package io.gatehouse.it.console;

import static io.gatehouse.it.console.ConsoleSite.PASSWORD;
import static io.gatehouse.it.console.ConsoleSite.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Logging in to the console in a real browser: without a session the console is the login page; a
 * wrong password says so and lets the right one in; logging out ends the session.
 */
@Timeout(60)
class ConsoleLoginTest {
    @RegisterExtension
    static final ConsoleSite site = ConsoleSite.withSessionTimeout("30m");

    @BeforeEach
    void noSession() {
        site.browser.get("/login.html");
        site.browser.driver.manage().deleteAllCookies();
    }

    @Test
    void anUnauthenticatedVisitorOfTheConsoleLandsOnTheLoginPage() throws Exception {
        Browser browser = site.browser;
        browser.get("/");
        browser.await("the login page", d -> browser.path().startsWith("/login.html"));
        assertEquals("User", browser.driver.findElement(org.openqa.selenium.By.cssSelector("label[for='login-user']")).getText());
        assertEquals("Password", browser.driver.findElement(org.openqa.selenium.By.cssSelector("label[for='login-password']")).getText());
        HttpResponse<String> api = site.admin("/api/pools");
        assertEquals(401, api.statusCode(), "and the API answers nothing without credentials");
    }

    @Test
    void aWrongPasswordShowsTheErrorAndTheRightOneOpensTheConsole() {
        Browser browser = site.browser;
        browser.get("/login.html");
        browser.login(USER, "not the password");
        assertEquals("wrong user or password", browser.awaitText("login-error", "wrong user or password"));
        assertTrue(browser.path().startsWith("/login.html"));

        browser.login(USER, PASSWORD);
        browser.await("the console", d -> browser.path().equals("/") && browser.byId("user").getText().equals(USER));
        browser.await("the version in the header", d -> browser.byId("version").getText().startsWith("version 0."));
    }

    @Test
    void loggingOutEndsTheSession() {
        Browser browser = site.browser;
        browser.loginToConsole(USER, PASSWORD);
        browser.byId("logout").click();
        browser.await("the login page", d -> browser.path().startsWith("/login.html"));
        browser.get("/");
        browser.await("the login page again: the session is gone", d -> browser.path().startsWith("/login.html"));
    }
}
