package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.config.model.ClusterTarget;
import io.gatehouse.config.model.FixedResponseTarget;
import io.gatehouse.config.model.GatehouseConfig;
import io.gatehouse.config.model.HostPattern;
import io.gatehouse.config.model.ListenerSpec;
import io.gatehouse.config.model.RedirectTarget;
import io.gatehouse.config.model.RouteSpec;
import io.gatehouse.config.model.SiteSpec;
import io.gatehouse.config.model.StaticDirTarget;
import io.gatehouse.config.model.Target;
import io.gatehouse.config.model.TargetVisitor;
import io.gatehouse.config.model.UpstreamUrlTarget;
import io.gatehouse.config.model.VirtualHostSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/routes}: the route table of the generation in service, per listener and host, each
 * route's targets written as on a route line ({@code @app}, {@code static /srv/www}, {@code return 200},
 * {@code redirect 301 https://...}), several targets of one route joined with a space.
 */
final class RoutesJson {
    private RoutesJson() {
    }

    static ObjectNode of(long generation, GatehouseConfig config) {
        ObjectNode root = Replies.object();
        root.put("generation", generation);
        ArrayNode listeners = root.putArray("listeners");
        for (ListenerSpec l : config.listeners()) {
            ObjectNode listener = listeners.addObject();
            listener.put("listener", l.bind().toString());
            listener.put("tls", l.primary().ssl().enabled());
            ArrayNode hosts = listener.putArray("hosts");
            for (SiteSpec site : l.sites()) {
                for (VirtualHostSpec vhost : site.vhosts()) {
                    List<String> names = new ArrayList<>();
                    for (HostPattern h : vhost.hosts()) {
                        names.add(h.toString());
                    }
                    if (names.isEmpty()) {
                        names.add("default");
                    }
                    for (String name : names) {
                        ObjectNode host = hosts.addObject();
                        host.put("host", name);
                        ArrayNode routes = host.putArray("routes");
                        for (RouteSpec r : vhost.routes()) {
                            ObjectNode route = routes.addObject();
                            route.put("prefix", r.path());
                            route.put("target", targets(r));
                        }
                    }
                }
            }
        }
        return root;
    }

    private static String targets(RouteSpec r) {
        StringBuilder out = new StringBuilder();
        for (Target t : r.targets()) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(t.accept(WRITTEN));
        }
        return out.toString();
    }

    private static final TargetVisitor<String> WRITTEN = new TargetVisitor<>() {
        @Override
        public String visitStaticDir(StaticDirTarget target) {
            return "static " + target.root();
        }

        @Override
        public String visitFixedResponse(FixedResponseTarget target) {
            return "return " + target.status() + (target.text() == null || target.text().isEmpty() ? "" : " " + target.text());
        }

        @Override
        public String visitRedirect(RedirectTarget target) {
            return "redirect " + target.status() + " " + target.location();
        }

        @Override
        public String visitUpstreamUrl(UpstreamUrlTarget target) {
            return (target.tls() ? "https://" : "http://") + target.address() + target.basePath();
        }

        @Override
        public String visitCluster(ClusterTarget target) {
            return "@" + target.cluster();
        }
    };
}
