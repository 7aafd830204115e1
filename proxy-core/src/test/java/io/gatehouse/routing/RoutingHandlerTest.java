package io.gatehouse.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.config.model.HostPattern;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The routing handler on a real listener: one keep-alive connection whose requests change host from one
 * to the next (the handler remembers the last {@code Host} it routed), each answered by its own site.
 */
class RoutingHandlerTest {

    private static HttpHandler says(String site) {
        return exchange -> exchange.getResponseSender().send(site);
    }

    private static RouteTable<HttpHandler> site(String name) {
        return RouteTable.<HttpHandler>builder().add("/", says(name)).build();
    }

    @Test
    void everyRequestOnAConnectionGetsTheSiteOfItsOwnHost() throws Exception {
        HostRouter<RouteTable<HttpHandler>> hosts = HostRouter.<RouteTable<HttpHandler>>builder()
                .add(HostPattern.parse("a.test"), site("a"))
                .add(HostPattern.parse(".b.test"), site("b"))
                .defaultValue(site("default"))
                .build();
        HostRouter<RouteTable<HttpHandler>> noDefault = HostRouter.<RouteTable<HttpHandler>>builder()
                .add(HostPattern.parse("a.test"), site("a"))
                .build();
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new RoutingHandler(hosts)).build();
        Undertow strict = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new RoutingHandler(noDefault)).build();
        server.start();
        strict.start();
        try {
            List<String> sent = List.of("a.test", "a.test", "x.b.test:8080", "A.TEST", "a.test", "other.test",
                    "b.test", "a.test:80", "a.test");
            List<String> expected = List.of("a", "a", "b", "a", "a", "default", "b", "a", "a");
            assertEquals(expected, answers(server, sent));
            assertEquals(List.of("200 a", "404", "200 a", "404", "404", "200 a"),
                    statuses(strict, List.of("a.test", "b.test", "a.test", "b.test", "b.test", "A.test")));
        } finally {
            server.stop();
            strict.stop();
        }
    }

    private static List<String> answers(Undertow server, List<String> hosts) throws Exception {
        return exchange(server, hosts).stream().map(s -> s.substring(s.indexOf(' ') + 1)).toList();
    }

    private static List<String> statuses(Undertow server, List<String> hosts) throws Exception {
        return exchange(server, hosts).stream().map(s -> s.startsWith("200") ? s : s.substring(0, 3)).toList();
    }

    /** Each request on one connection, as "STATUS BODY". */
    private static List<String> exchange(Undertow server, List<String> hosts) throws Exception {
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            java.util.ArrayList<String> got = new java.util.ArrayList<>();
            for (String host : hosts) {
                out.write(("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String status = in.readLine().split(" ")[1];
                int length = 0;
                for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                char[] body = new char[length];
                for (int read = 0; read < length; ) {
                    read += in.read(body, read, length - read);
                }
                got.add(status + " " + new String(body));
            }
            return got;
        }
    }
}
