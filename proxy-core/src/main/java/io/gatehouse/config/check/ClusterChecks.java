package io.gatehouse.config.check;

import io.gatehouse.config.bind.BoundCluster;
import io.gatehouse.config.bind.BoundDirectory;
import io.gatehouse.config.bind.Problems;
import io.gatehouse.config.model.ClusterTarget;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.Target;
import io.gatehouse.config.model.VirtualHostSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cluster names across the whole directory: a name defined twice (in one file or two) is an error
 * naming both places; a route naming a cluster that no file defines is an error listing the known ones;
 * a cluster no route uses is a warning.
 */
public final class ClusterChecks {
    private ClusterChecks() {
    }

    public static void check(BoundDirectory dir, Problems problems) {
        Map<String, BoundCluster> first = new LinkedHashMap<>();
        for (BoundCluster cluster : dir.clusters()) {
            BoundCluster earlier = first.putIfAbsent(cluster.name(), cluster);
            if (earlier != null) {
                problems.error(cluster.pos(), "cluster @" + cluster.name() + " is already defined at " + earlier.pos()
                        + "; cluster names are global across all files");
            }
        }
        Set<String> used = new HashSet<>();
        for (ClusterTarget ref : references(dir.sites())) {
            used.add(ref.cluster());
            if (!first.containsKey(ref.cluster())) {
                problems.error(ref.pos(), "unknown cluster @" + ref.cluster() + "; " + known(first.keySet()));
            }
        }
        for (BoundCluster cluster : first.values()) {
            if (cluster.proxied() && !used.contains(cluster.name())) {
                problems.warning(cluster.pos(), "cluster @" + cluster.name() + " is not used by any route");
            }
        }
    }

    private static String known(Set<String> names) {
        if (names.isEmpty()) {
            return "no cluster is defined (define one with an [@name] section and members = host:port, ...)";
        }
        List<String> list = new ArrayList<>();
        names.forEach(n -> list.add("@" + n));
        return "known clusters: " + String.join(", ", list);
    }

    /** Every {@code @cluster} target of every route, in file order. */
    static List<ClusterTarget> references(List<SiteSpec> sites) {
        List<ClusterTarget> refs = new ArrayList<>();
        for (SiteSpec site : sites) {
            for (VirtualHostSpec vhost : site.vhosts()) {
                for (RouteSpec route : vhost.routes()) {
                    for (Target target : route.targets()) {
                        if (target instanceof ClusterTarget) {
                            refs.add((ClusterTarget) target);
                        }
                    }
                }
            }
        }
        return refs;
    }
}
