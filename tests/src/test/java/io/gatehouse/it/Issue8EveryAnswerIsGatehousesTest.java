package io.gatehouse.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, item 2: Undertow's own parser and Host check sit behind the edge, and what they refuse
 * gets an empty 400 with no JSON body, no request id and no log line. So the edge must refuse first
 * whatever they would: random request lines and Hosts, built from every printable character, good
 * and broken escapes and authorities, are each answered either by the member or by Gatehouse with its
 * JSON body and a request id; never by Undertow.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Issue8EveryAnswerIsGatehousesTest {
    private static final String PRINTABLE;

    static {
        StringBuilder s = new StringBuilder();
        for (char c = 0x21; c < 0x7F; c++) {
            s.append(c);
        }
        PRINTABLE = s.toString();
    }

    @TempDir
    static Path tmp;

    RawMember member;
    GatehouseHarness gatehouse;

    @BeforeAll
    void start() throws Exception {
        member = RawMember.start((target, head, in, out) -> {
            out.write(RawMember.latin1("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nmember"));
            return true;
        });
        gatehouse = GatehouseHarness.start(tmp, """
                [server]
                port = ${PORT}

                [routes:line]
                / = @app
                /blocked = return 403 Forbidden

                [@app]
                members = 127.0.0.1:%d
                """.formatted(member.port()));
    }

    @AfterAll
    void stop() throws Exception {
        gatehouse.close();
        member.close();
    }

    @Test
    void randomRequestLinesAndHostsAreAllAnsweredByTheMemberOrByGatehouse() throws Exception {
        Random rnd = new Random(8);
        for (int n = 0; n < 600; n++) {
            String host = host(rnd);
            String target = rnd.nextInt(4) == 0 ? "http://" + (rnd.nextBoolean() ? host : host(rnd)) + path(rnd) : path(rnd);
            String method = rnd.nextInt(8) == 0 ? token(rnd, 1 + rnd.nextInt(40)) : "GET";
            String request = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + field(rnd)
                    + "Connection: close\r\n\r\n";
            String answer;
            try (RawHttp http = new RawHttp(gatehouse.address())) {
                answer = http.send(request).readAll();
            }
            String what = "request " + n + ": " + request.substring(0, request.indexOf("\r\nConnection")) + "\n-> " + answer;
            assertTrue(answer.startsWith("HTTP/1.1 "), what);
            if (answer.endsWith("\r\n\r\nmember") || answer.startsWith("HTTP/1.1 403 ") && answer.endsWith("Forbidden")) {
                continue; // the member, or the blocked route's own answer
            }
            String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).toLowerCase(Locale.ROOT);
            assertTrue(head.contains("x-request-id: "), "a request id: " + what);
            assertTrue(head.contains("content-type: application/json") && answer.contains("\"request_id\":\""),
                    "Gatehouse's JSON body: " + what);
        }
    }

    private static String path(Random rnd) {
        StringBuilder p = new StringBuilder("/");
        int length = rnd.nextInt(24);
        for (int i = 0; i < length; i++) {
            switch (rnd.nextInt(10)) {
                case 0 -> p.append('%').append(Integer.toHexString(0x10 + rnd.nextInt(0xF0)).toUpperCase(Locale.ROOT));
                case 1 -> p.append('%').append(PRINTABLE.charAt(rnd.nextInt(PRINTABLE.length()))); // often broken
                case 2 -> p.append(rnd.nextBoolean() ? "/" : rnd.nextBoolean() ? ".." : ";");
                case 3 -> p.append(rnd.nextBoolean() ? "blocked" : "%2F");
                default -> p.append(PRINTABLE.charAt(rnd.nextInt(PRINTABLE.length())));
            }
        }
        return p.toString();
    }

    private static String host(Random rnd) {
        String[] hosts = {"a.test", "a.test:8080", "a.test:", "a.test:0", "a.test:65536", "A.Test", "127.0.0.1",
                "[::1]", "[::1]:81", "[::ffff:1.2.3.4]", "[1:2:3:4:5:6::ab]", "[v1.x]", "a_b.test", "a%41.test",
                "a%4.test", "u@a.test", "a.test.", "-a.test", "[::1"};
        if (rnd.nextInt(3) > 0) {
            return hosts[rnd.nextInt(hosts.length)];
        }
        StringBuilder h = new StringBuilder();
        int length = 1 + rnd.nextInt(10);
        for (int i = 0; i < length; i++) {
            h.append(PRINTABLE.charAt(rnd.nextInt(PRINTABLE.length())));
        }
        return h.toString();
    }

    /** A header field with a random name and a value of printable characters, tabs, spaces and obs-text. */
    private static String field(Random rnd) {
        StringBuilder value = new StringBuilder();
        int length = rnd.nextInt(20);
        for (int i = 0; i < length; i++) {
            int kind = rnd.nextInt(6);
            value.append(kind == 0 ? (char) (0x80 + rnd.nextInt(0x80)) : kind == 1 ? (rnd.nextBoolean() ? ' ' : '\t')
                    : PRINTABLE.charAt(rnd.nextInt(PRINTABLE.length())));
        }
        return token(rnd, 1 + rnd.nextInt(12)) + ":" + value + "\r\n";
    }

    private static String token(Random rnd, int length) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~(@";
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < length; i++) {
            t.append(chars.charAt(rnd.nextInt(chars.length())));
        }
        return t.toString();
    }
}
