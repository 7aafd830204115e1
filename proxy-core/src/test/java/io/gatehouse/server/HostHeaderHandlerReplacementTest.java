package io.gatehouse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.HostHeaderHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gatehouse's {@code io.undertow.server.handlers.HostHeaderHandler} against Undertow's own, both behind
 * a real Undertow HTTP/1.1 listener on loopback: Undertow's class is loaded from its jar in a class
 * loader of its own (with the rest of that Undertow), and every request of the list gets the same
 * status line from both, except the IPv6 literals where Gatehouse follows RFC 3986's grammar.
 */
class HostHeaderHandlerReplacementTest {
    /** SHA-256 of Undertow 2.4.4.Final's HostHeaderHandler.class, the one this replacement was held to. */
    private static final String UNDERTOW_CLASS_SHA256 =
            "d6580529c53203ca86a4bcbdddf999a90bc90604059b4ca5519bd3e92ec56072";
    private static final String CLASS_ENTRY = "io/undertow/server/handlers/HostHeaderHandler.class";

    private static URL undertowJar;
    private static Undertow gatehouseSide;
    private static Object undertowSide;
    private static InetSocketAddress gatehouseAddress;
    private static InetSocketAddress undertowAddress;
    private static URLClassLoader isolated;

    @BeforeAll
    static void start() throws Exception {
        undertowJar = Undertow.class.getProtectionDomain().getCodeSource().getLocation();
        HttpHandler ok = exchange -> exchange.endExchange();
        gatehouseSide = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(ok).build();
        gatehouseSide.start();
        gatehouseAddress = (InetSocketAddress) gatehouseSide.getListenerInfo().get(0).getAddress();

        isolated = new UndertowFirst(undertowJar, HostHeaderHandlerReplacementTest.class.getClassLoader());
        Class<?> undertow = isolated.loadClass("io.undertow.Undertow");
        Class<?> handlerType = isolated.loadClass("io.undertow.server.HttpHandler");
        Object handler = Proxy.newProxyInstance(isolated, new Class<?>[] {handlerType}, (proxy, method, args) -> {
            if (method.getName().equals("handleRequest")) {
                args[0].getClass().getMethod("endExchange").invoke(args[0]);
                return null;
            }
            if (method.getName().equals("toString")) {
                return "ok";
            }
            throw new UnsupportedOperationException(method.getName());
        });
        Object builder = undertow.getMethod("builder").invoke(null);
        builder = builder.getClass().getMethod("addHttpListener", int.class, String.class)
                .invoke(builder, 0, "127.0.0.1");
        builder = builder.getClass().getMethod("setHandler", handlerType).invoke(builder, handler);
        undertowSide = builder.getClass().getMethod("build").invoke(builder);
        undertow.getMethod("start").invoke(undertowSide);
        List<?> listeners = (List<?>) undertow.getMethod("getListenerInfo").invoke(undertowSide);
        Method address = listeners.get(0).getClass().getMethod("getAddress");
        address.setAccessible(true);
        undertowAddress = (InetSocketAddress) address.invoke(listeners.get(0));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gatehouseSide != null) {
            gatehouseSide.stop();
        }
        if (undertowSide != null) {
            undertowSide.getClass().getMethod("stop").invoke(undertowSide);
        }
        if (isolated != null) {
            isolated.close();
        }
    }

    @Test
    void theClassInUseIsGatehousesAndUndertowsIsTheOneItWasHeldTo() throws Exception {
        URL source = HostHeaderHandler.class.getProtectionDomain().getCodeSource().getLocation();
        assertNotEquals(undertowJar, source, "Undertow's HostHeaderHandler is first on the class path");
        byte[] original;
        try (JarFile jar = new JarFile(new java.io.File(undertowJar.toURI()))) {
            original = jar.getInputStream(jar.getEntry(CLASS_ENTRY)).readAllBytes();
        }
        assertEquals(UNDERTOW_CLASS_SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(original)), "Undertow's HostHeaderHandler changed: hold Gatehouse's "
                + "io.undertow.server.handlers.HostHeaderHandler and HostCheck to the new one, then update the hash");
        assertEquals(isolated, isolated.loadClass("io.undertow.server.handlers.HostHeaderHandler").getClassLoader());
    }

    @Test
    void everyHostGetsUndertowsAnswer() throws Exception {
        List<String> requests = new ArrayList<>();
        for (String host : hosts()) {
            requests.add("GET /a HTTP/1.1\r\nHost: " + host + "\r\n");
        }
        requests.add("GET /a HTTP/1.1\r\n");
        requests.add("GET /a HTTP/1.0\r\n");
        requests.add("GET /a HTTP/1.1\r\nHost: a.com\r\nHost: a.com\r\n");
        requests.add("GET /a HTTP/1.1\r\nHost: a.com\r\nHost: b.com\r\n");
        requests.add("GET /a HTTP/1.0\r\nHost: a.com:0\r\n");
        requests.add("GET http://a.com/x HTTP/1.1\r\nHost: a.com\r\n");
        requests.add("GET http://a.com:8080/x HTTP/1.1\r\nHost: a.com:8080\r\n");
        requests.add("GET http://a.com/x HTTP/1.1\r\nHost: b.com\r\n");
        requests.add("GET http://a.com/x HTTP/1.1\r\nHost: :80\r\n");
        requests.add("GET http://[::1]:8080/x HTTP/1.1\r\nHost: [::1]:8080\r\n");
        requests.add("GET http://127.0.0.1/x HTTP/1.1\r\nHost: 127.0.0.1:80\r\n");
        requests.add("GET http://127.0.0.1/x HTTP/1.1\r\nHost: 127.0.0.2\r\n");
        int refused = 0;
        for (String request : requests) {
            String ours = statusLine(gatehouseAddress, request);
            assertEquals(statusLine(undertowAddress, request), ours, request);
            if (ours.startsWith("HTTP/1.1 400") || ours.startsWith("HTTP/1.0 400")) {
                refused++;
            }
        }
        // the list tries both answers: a replacement that let everything through would fail above
        assertNotEquals(0, refused);
        assertNotEquals(requests.size(), refused);
    }

    @Test
    void ipv6LiteralsFollowRfc3986WhereUndertowsExpressionDoesNot() throws Exception {
        String ok = "HTTP/1.1 200 OK";
        String malformed = "HTTP/1.1 400 Host Header Malformed IP-Literal";
        List<String> literals = List.of("[::ffff:127.0.0.1]", "[::127.0.0.1]:80", "[1:2:3:4:5:6:1.2.3.4]",
                "[1::01.2.3.4]");
        for (String host : literals) {
            String request = "GET /a HTTP/1.1\r\nHost: " + host + "\r\n";
            boolean valid = !host.contains("::01.");
            assertEquals(valid ? ok : malformed, statusLine(gatehouseAddress, request), host);
            assertEquals(valid ? malformed : ok, statusLine(undertowAddress, request), host);
        }
    }

    @Test
    void generatedHostsGetUndertowsAnswerOutsideIpv6Literals() throws Exception {
        Random random = new Random(20261204L);
        String alphabet = "0123456789abcdefgv.:[]%-_~+ ";
        int compared = 0;
        for (int n = 0; n < 1500; n++) {
            StringBuilder host = new StringBuilder();
            for (int length = random.nextInt(12); host.length() < length; ) {
                host.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String value = host.toString().strip();
            if (value.startsWith("[") && value.indexOf(']') > 0 && !value.startsWith("[v")) {
                continue; // IPv6 literals: RFC 3986 here, Undertow's expression there (the test above)
            }
            String request = "GET /a HTTP/1.1\r\nHost: " + value + "\r\n";
            assertEquals(statusLine(undertowAddress, request), statusLine(gatehouseAddress, request), value);
            compared++;
        }
        assertTrue(compared > 1000, "compared " + compared);
    }

    private static List<String> hosts() {
        List<String> hosts = new ArrayList<>(List.of(
                "a.com", "A.Example.COM", "a.com.", "a.com:80", "a.com:8080", "a.com:65535", "a.com:65536",
                "a.com:0", "a.com:-1", "a.com:+80", "a.com:080", "a.com:00080", "a.com:", "a.com:x", "a.com:8 0",
                "a.com:99999999999", "127.0.0.1", "127.0.0.1:8080", "256.1.1.1", "1.2.3", "01.02.03.04:1",
                "1.2.3.4.5", "", ":80", "a b.com", "a_b.com", "a~b!$&'()*+,;=-.c", "a%41.com", "a%4.com", "a%",
                "a%4", "a%zz.com", "a%41", "a/b", "a?b", "a#b", "a@b", "a\"b", "a<b", "a\\b", "a^b", "a{b",
                "a`b", "a|b", "a[b", "a]b", "]a", "[a", "[::1", "[::1]", "[::1]:8080", "[::1]:0", "[::1]:x",
                "[::1]x", "[::1]:", "[]", "[]:80", "[:]", "[::]", "[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:7:8:9]",
                "[1:2:3:4:5:6:7]", "[1::]", "[::1:2]", "[1:2::3:4]", "[fe80::1]", "[FE80::ABCD:1]",
                "[12345::1]", "[1:::2]", "[1::2::3]", "[:1::2]", "[1::2:]", "[g::1]", "[fe80::1%25eth0]",
                "[1:2:3:4:5:6:7::]", "[::2:3:4:5:6:7:8]", "[1:2:3:4:5:6::8]", "[a]b]", "x[::1]",
                "[v1.a]", "[v1.a:b]", "[vA1.x!]", "[v.1]", "[v1.]", "[vz.1]", "[v1]", "[v1.a/b]", "[v12.:]",
                "[v1.a]:80", "[v]", "v1.a", "[::1]]", "[[::1]]", "café.com", "\u00e9"));
        return hosts;
    }

    private static String statusLine(InetSocketAddress address, String request) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write((request + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.write(b);
            }
            String status = line.toString(StandardCharsets.ISO_8859_1).strip();
            assertNotNull(status);
            return status;
        }
    }

    /** Undertow's own classes from its jar, everything else (XNIO, logging, the JDK) from the parent. */
    private static final class UndertowFirst extends URLClassLoader {
        UndertowFirst(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.undertow.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> found = findLoadedClass(name);
                if (found == null) {
                    found = findClass(name);
                }
                if (resolve) {
                    resolveClass(found);
                }
                return found;
            }
        }
    }
}
