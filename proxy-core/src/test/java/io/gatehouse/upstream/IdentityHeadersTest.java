package io.gatehouse.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.handler.AuthenticatedUser;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The identity fields towards members: whatever a client sends under the site's names (in any case)
 * never passes, on any request; a verified user's name and roles are written by Gatehouse.
 */
class IdentityHeadersTest {
    private static List<String> written(HeaderMap from, IdentityHeaders names, AuthenticatedUser user) {
        List<String> out = new ArrayList<>();
        ForwardedHeaders.writeRequest(from, (name, value) -> out.add(name + ": " + value), "192.0.2.1", "http", "1.1",
                null, "gtid-1", names, user);
        return out;
    }

    private static HeaderMap clientFields() {
        HeaderMap from = new HeaderMap();
        from.add(new HttpString("x-auth-user"), "root");
        from.add(new HttpString("X-AUTH-ROLES"), "admin");
        from.add(new HttpString("X-User"), "root");
        from.add(new HttpString("Accept"), "*/*");
        return from;
    }

    private static List<String> sorted(String... lines) {
        return java.util.Arrays.stream(lines).sorted().toList();
    }

    @Test
    void theClientsIdentityFieldsNeverPassWhenNoTokenWasVerified() {
        List<String> out = written(clientFields(), IdentityHeaders.DEFAULT, null);
        assertEquals(sorted("X-User: root", "Accept: */*", "X-Forwarded-For: 192.0.2.1", "X-Forwarded-Proto: http",
                "Via: 1.1 gatehouse", "X-Request-ID: gtid-1"), out.stream().sorted().toList());
    }

    @Test
    void theSitesOwnNamesAreTheOnesRemovedAndWritten() {
        List<String> out = written(clientFields(), IdentityHeaders.of("X-User", "X-Groups"),
                new AuthenticatedUser("hansroh", "sha256:0123456789ab", List.of("user", "admin")));
        assertEquals(sorted("x-auth-user: root", "X-AUTH-ROLES: admin", "Accept: */*", "X-Forwarded-For: 192.0.2.1",
                "X-Forwarded-Proto: http", "Via: 1.1 gatehouse", "X-Request-ID: gtid-1", "X-User: hansroh",
                "X-Groups: user,admin"), out.stream().sorted().toList());
    }

    @Test
    void aUserNameOutsideAsciiGoesAsItsUtf8Bytes() {
        List<String> out = written(new HeaderMap(), IdentityHeaders.DEFAULT,
                new AuthenticatedUser("Zoë", "sha256:0123456789ab", List.of()));
        assertEquals("X-Auth-User: Zo\u00c3\u00ab", out.get(out.size() - 2));
        assertEquals("X-Auth-Roles: ", out.get(out.size() - 1));
    }
}
