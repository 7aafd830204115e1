import io.undertow.Undertow;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import java.net.URI;

/**
 * The reference point of the benchmark's goal: Undertow's own ProxyHandler, nothing else (no routing,
 * request log, request ids or edge checks), on the same number of IO threads as Gatehouse.
 * Usage: java -cp admin-console/target/gatehouse.jar bench/lib/StockUndertowProxy.java PORT HOST:PORT
 */
public class StockUndertowProxy {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        LoadBalancingProxyClient client = new LoadBalancingProxyClient()
                .addHost(URI.create("http://" + args[1]))
                .setConnectionsPerThread(64)
                .setMaxQueueSize(4096); // queue rather than answer 503 when every connection is busy
        ProxyHandler proxy = ProxyHandler.builder().setProxyClient(client).setMaxRequestTime(30_000).build();
        Undertow.builder()
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .addHttpListener(port, "127.0.0.1")
                .setHandler(proxy)
                .build()
                .start();
        System.out.println("stock Undertow ProxyHandler on 127.0.0.1:" + port + " -> " + args[1]);
    }
}
