package io.gatehouse.upstream;

import io.gatehouse.config.model.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.XnioWorker;

/**
 * Upstream members that outlive a reload, keyed by {@link MemberKey}: a member that is in the old and
 * the new configuration keeps its counters, health and idle connections. Host names are resolved here,
 * when a configuration is built, never on an IO thread.
 */
public final class UpstreamRegistry {
    private final Map<MemberKey, MemberState> members = new ConcurrentHashMap<>();
    private final XnioWorker worker;
    private final int maxIdlePerThread;

    public UpstreamRegistry(XnioWorker worker, int maxIdlePerThread) {
        this.worker = worker;
        this.maxIdlePerThread = maxIdlePerThread;
    }

    /** The state for this member, created (and its host resolved) on first use. */
    public MemberState member(MemberKey key) throws UnknownHostException {
        MemberState existing = members.get(key);
        if (existing != null) {
            return existing;
        }
        InetSocketAddress address = resolve(key);
        return members.computeIfAbsent(key, k -> new MemberState(k, address, worker.getIoThreadCount(), maxIdlePerThread));
    }

    public Collection<MemberState> all() {
        return List.copyOf(members.values());
    }

    /** Forgets members no configuration uses any more and closes their idle connections. */
    public void retainOnly(Set<MemberKey> keep) {
        for (MemberKey key : Set.copyOf(members.keySet())) {
            if (!keep.contains(key)) {
                MemberState gone = members.remove(key);
                if (gone != null) {
                    for (int i = 0; i < worker.getIoThreadCount(); i++) {
                        int thread = i;
                        worker.getIoThread(i).execute(() -> gone.pool(thread).closeAll());
                    }
                }
            }
        }
    }

    private static InetSocketAddress resolve(MemberKey key) throws UnknownHostException {
        HostPort address = key.address();
        InetAddress resolved = InetAddress.getByName(address.host());
        // A TLS member keeps its configured name beside the address, for SNI; nothing is looked up later.
        InetAddress named = key.tls() ? InetAddress.getByAddress(address.host(), resolved.getAddress()) : resolved;
        return new InetSocketAddress(named, address.port());
    }
}
