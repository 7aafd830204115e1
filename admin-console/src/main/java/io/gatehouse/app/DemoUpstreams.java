package io.gatehouse.app;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.handler.RequestIdHandler;
import io.gatehouse.json.Json;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Small in-process upstreams for {@code gatehouse demo}: one per loopback member of a plain-HTTP
 * cluster, each answering with its own address and what Gatehouse forwarded, so a new user sees the
 * members take turns with nothing else running.
 */
final class DemoUpstreams implements AutoCloseable {
    private final List<Undertow> servers = new ArrayList<>();
    private final List<HostPort> addresses = new ArrayList<>();

    static DemoUpstreams start(GatehouseConfig config) {
        DemoUpstreams demo = new DemoUpstreams();
        for (ClusterSpec cluster : config.clusters().values()) {
            if (cluster.ssl()) {
                continue;
            }
            for (MemberSpec member : cluster.members()) {
                if (isLoopback(member.address().host()) && !demo.addresses.contains(member.address())) {
                    demo.startOne(cluster.name(), member.address());
                }
            }
        }
        return demo;
    }

    List<HostPort> addresses() {
        return addresses;
    }

    private void startOne(String cluster, HostPort address) {
        String me = address.toString();
        Undertow server = Undertow.builder()
                .addHttpListener(address.port(), address.host())
                .setIoThreads(1)
                .setWorkerThreads(1)
                .setHandler(exchange -> {
                    StringBuilder body = new StringBuilder(256).append("{\"cluster\":");
                    Json.string(body, cluster).append(",\"member\":");
                    Json.string(body, me).append(",\"method\":");
                    Json.string(body, exchange.getRequestMethod().toString()).append(",\"path\":");
                    Json.string(body, exchange.getRequestURI()).append(",\"x_forwarded_for\":");
                    Json.string(body, orEmpty(exchange.getRequestHeaders().getFirst(Headers.X_FORWARDED_FOR)))
                            .append(",\"x_request_id\":");
                    Json.string(body, orEmpty(exchange.getRequestHeaders().getFirst(RequestIdHandler.X_REQUEST_ID)))
                            .append("}\n");
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    exchange.getResponseSender().send(body.toString());
                })
                .build();
        try {
            server.start();
            servers.add(server);
            addresses.add(address);
        } catch (RuntimeException e) {
            System.err.println("demo: cannot start a demo member on " + me + " (" + e.getMessage()
                    + "); is something else listening there?");
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public void close() {
        servers.forEach(Undertow::stop);
    }
}
