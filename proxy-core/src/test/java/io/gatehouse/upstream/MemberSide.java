package io.gatehouse.upstream;

import io.gatehouse.config.model.ClusterSpec;
import io.gatehouse.config.model.HostPort;
import io.gatehouse.config.model.MemberPolicy;
import io.gatehouse.config.model.MemberSpec;
import io.gatehouse.config.source.SourcePos;
import io.gatehouse.server.BufferPool;
import io.gatehouse.upstream.balance.BalancingStrategy;
import io.gatehouse.upstream.balance.ClusterMember;
import io.gatehouse.upstream.balance.PickerContext;
import io.gatehouse.config.model.HashKey;
import io.gatehouse.upstream.balance.RequestKey;
import io.gatehouse.upstream.balance.RoundRobinStrategy;
import io.gatehouse.upstream.http1.HeaderSink;
import io.gatehouse.upstream.http1.ResponseHead;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSourceChannel;

/**
 * The member side on its own, for tests: an XNIO worker with one IO thread, the registry, the
 * connector, and member exchanges started on that thread with a {@link Sink} that records what came.
 * No server exchange, no client.
 */
final class MemberSide implements AutoCloseable {
    static final ProxyTimeouts TIMEOUTS = new ProxyTimeouts(2_000, 2_000, 2_000);
    /** The default policy with {@code max_fails = 0}: no member is taken out by failures (tests of an exchange's mechanics). */
    static final MemberPolicy NO_PASSIVE_HEALTH = policy(0);
    private static final SourcePos POS = new SourcePos("test.conf", 1);

    final XnioWorker worker;
    final UpstreamRegistry registry;
    final UpstreamConnector connector;

    private MemberSide(UpstreamRegistry.Resolver resolver, LongSupplier nanoClock) {
        try {
            worker = Xnio.getInstance().createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, "member-side-test")
                    .set(Options.WORKER_IO_THREADS, 1)
                    .set(Options.WORKER_TASK_CORE_THREADS, 1)
                    .set(Options.WORKER_TASK_MAX_THREADS, 1)
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry = new UpstreamRegistry(worker, 8, resolver, nanoClock);
        connector = new UpstreamConnector(new BufferPool(true, 16 * 1024, 64, 64));
    }

    /** The default policy with {@code max_fails = maxFails}. */
    static MemberPolicy policy(int maxFails) {
        MemberPolicy d = MemberPolicy.DEFAULTS;
        return new MemberPolicy(d.hashKey(), d.health(), maxFails, d.failTimeout(), d.failOn(),
                d.slowStart(), d.retries(), d.retryBodyMax(), d.retryTimeout(), d.maxConnections(), d.maxQueue(),
                d.queueTimeout());
    }

    static MemberSide start() {
        return new MemberSide(UpstreamRegistry.Resolver.SYSTEM, System::nanoTime);
    }

    static MemberSide start(UpstreamRegistry.Resolver resolver, LongSupplier nanoClock) {
        return new MemberSide(resolver, nanoClock);
    }

    XnioIoThread ioThread() {
        return worker.getIoThread(0);
    }

    /** A round-robin cluster over {@code members} ({@code host:port}), claimed from and adopted by the registry. */
    UpstreamCluster cluster(String name, HostPort... members) {
        return cluster(name, Duration.ofSeconds(60), members);
    }

    /** As {@link #cluster(String, HostPort...)}, with the names looked up again every {@code resolveInterval}. */
    UpstreamCluster cluster(String name, Duration resolveInterval, HostPort... members) {
        List<MemberSpec> specs = new ArrayList<>();
        for (HostPort m : members) {
            specs.add(new MemberSpec(POS, m, 1, false));
        }
        ClusterSpec spec = new ClusterSpec(POS, name, specs, false, "round_robin", List.of(), List.of(),
                resolveInterval);
        UpstreamRegistry.Claim claim = registry.claim();
        List<ClusterMember> clusterMembers = new ArrayList<>();
        for (HostPort m : members) {
            try {
                clusterMembers.add(ClusterMember.plain(claim.member(name, new MemberKey(false, m), spec.resolveInterval())));
            } catch (UnknownHostException e) {
                throw new UncheckedIOException(e);
            }
        }
        registry.adopt(claim);
        return new UpstreamCluster(new PickerContext(spec, clusterMembers, new SplittableRandom(1), System::nanoTime),
                new RoundRobinStrategy());
    }

    /** As {@link #cluster(String, HostPort...)}, whose members take {@code policy} (passive health, retries, overload...). */
    UpstreamCluster cluster(String name, MemberPolicy policy, HostPort... members) {
        return cluster(name, policy, new RoundRobinStrategy(), members);
    }

    /** A cluster over {@code members} with {@code policy}, its picker from {@code strategy}. */
    UpstreamCluster cluster(String name, MemberPolicy policy, BalancingStrategy strategy, HostPort... members) {
        List<MemberSpec> specs = new ArrayList<>();
        for (HostPort m : members) {
            specs.add(new MemberSpec(POS, m, 1, false));
        }
        ClusterSpec spec = new ClusterSpec(POS, name, specs, false, strategy.name(), List.of(), List.of(),
                Duration.ofSeconds(60)).withPolicy(policy);
        UpstreamRegistry.Claim claim = registry.claim();
        List<ClusterMember> clusterMembers = new ArrayList<>();
        for (HostPort m : members) {
            try {
                clusterMembers.add(ClusterMember.plain(claim.member(name, new MemberKey(false, m), spec.resolveInterval(),
                        policy)));
            } catch (UnknownHostException e) {
                throw new UncheckedIOException(e);
            }
        }
        registry.adopt(claim);
        return new UpstreamCluster(new PickerContext(spec, clusterMembers, new SplittableRandom(1), System::nanoTime),
                strategy);
    }

    static HostPort loopback(int port) {
        return new HostPort("127.0.0.1", port);
    }

    /** Starts a member exchange on the IO thread; the sink tells how it went. */
    Sink exchange(UpstreamCluster cluster, Request request) {
        return exchange(cluster, request, TIMEOUTS, new Sink());
    }

    Sink exchange(UpstreamCluster cluster, Request request, ProxyTimeouts timeouts, Sink sink) {
        onIoThread(() -> {
            sink.exchange = new MemberExchange(cluster, connector, timeouts, ioThread(), request, request, sink);
            sink.exchange.start();
            return null;
        });
        return sink;
    }

    /** Runs {@code task} on the IO thread and waits for it. */
    <T> T onIoThread(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        ioThread().execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the IO thread task failed", e);
        }
    }

    /** Waits (at most 10 s, polling) until {@code condition} holds; fails with {@code what} otherwise. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 10 s: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }

    /** Idle connections of {@code member}'s endpoint on the IO thread. */
    int idle(MemberState member) {
        return onIoThread(() -> member.endpoint().idleConnections(0));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    /** A request with no body, or one from a channel. */
    static final class Request implements MemberRequest, RequestKey {
        final HttpString method;
        final String target;
        final List<String[]> headers = new ArrayList<>();
        StreamSourceChannel body;
        long bodyLength = -1;
        String upgradeOffer;
        int bodyOpened;
        /** The body cannot be read after all when the exchange opens it ({@link #openBody} gives null). */
        boolean bodyLost;

        Request(HttpString method, String target) {
            this.method = method;
            this.target = target;
        }

        static Request get(String target) {
            return new Request(Methods.GET, target);
        }

        Request header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        /** A body read from {@code channel}: {@code length} bytes, or chunked when -1. */
        Request body(StreamSourceChannel channel, long length) {
            this.body = channel;
            this.bodyLength = length;
            return this;
        }

        @Override
        public HttpString method() {
            return method;
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public void writeHead(HeaderSink head, MemberState member) {
            head.header(new HttpString("Host"), member.key().address().toString());
            for (String[] h : headers) {
                head.header(new HttpString(h[0]), h[1]);
            }
            if (body != null && bodyLength >= 0) {
                head.header(new HttpString("Content-Length"), Long.toString(bodyLength));
            }
        }

        @Override
        public boolean hasBody() {
            return body != null;
        }

        @Override
        public boolean chunked() {
            return body != null && bodyLength < 0;
        }

        @Override
        public long bodyLength() {
            return body != null ? bodyLength : -1;
        }

        @Override
        public StreamSourceChannel openBody() {
            bodyOpened++;
            return bodyLost ? null : body;
        }

        @Override
        public String upgradeOffer() {
            return upgradeOffer;
        }

        @Override
        public boolean idempotent() {
            return !method.equals(Methods.POST);
        }

        @Override
        public long hash(HashKey key) {
            return RequestKey.NO_KEY;
        }
    }

    /** Records what a member exchange delivered; all of it is written on the IO thread before {@link #done} completes. */
    static class Sink implements ResponseSink {
        final CompletableFuture<String> done = new CompletableFuture<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final List<String> headers = new ArrayList<>();
        MemberExchange exchange;
        int status = -1;
        long bodyLength = Long.MIN_VALUE;
        Outcome failure;
        StreamConnection switchedTo;
        ByteBuffer early;
        /** Body calls refused whole before taking any (back-pressure); 0 takes everything. */
        int refuse;
        int refused;
        /** The most one body call takes; a call that leaves some of its chunk returns false. */
        int takeAtMost = Integer.MAX_VALUE;
        /** Every call the exchange made on this sink, whichever. */
        int calls;
        /** Calls to end, switched and failed: exactly one ends an exchange. */
        int endings;
        /** Attempts another member took over from, each with the calls made before it (0: before the head). */
        final List<Outcome> attemptsFailed = new ArrayList<>();
        final List<Integer> callsBeforeAttemptFailed = new ArrayList<>();

        @Override
        public void attemptFailed(Outcome outcome) {
            attemptsFailed.add(outcome);
            callsBeforeAttemptFailed.add(calls);
        }

        @Override
        public void head(ResponseHead head, long length) {
            calls++;
            status = head.status();
            bodyLength = length;
            for (int i = 0; i < head.fieldCount(); i++) {
                headers.add(head.name(i) + ": " + head.value(i));
            }
        }

        @Override
        public boolean body(ByteBuffer chunk) {
            calls++;
            if (refused < refuse) {
                refused++;
                return false;
            }
            for (int n = Math.min(chunk.remaining(), takeAtMost); n > 0; n--) {
                body.write(chunk.get());
            }
            return !chunk.hasRemaining();
        }

        @Override
        public boolean flush() {
            calls++;
            return true;
        }

        @Override
        public void end() {
            calls++;
            endings++;
            done.complete("end");
        }

        @Override
        public void switched(StreamConnection member, ByteBuffer early) {
            calls++;
            endings++;
            this.switchedTo = member;
            this.early = early;
            done.complete("switched");
        }

        @Override
        public void failed(Outcome outcome) {
            calls++;
            endings++;
            this.failure = outcome;
            done.complete("failed " + outcome.kind());
        }

        /** How it ended: {@code end}, {@code switched} or {@code failed KIND}. */
        String await() {
            try {
                return done.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the exchange did not end", e);
            }
        }

        String bodyText() {
            return body.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        String header(String name) {
            for (String h : headers) {
                if (h.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return h.substring(name.length() + 1).strip();
                }
            }
            return null;
        }
    }
}
