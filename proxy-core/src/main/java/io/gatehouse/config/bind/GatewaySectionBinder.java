package io.gatehouse.config.bind;

import io.gatehouse.config.model.GatewaySpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.SourcePos;
import java.util.List;

/**
 * Binds {@code [api-gateway]}. {@code authenticate = yes} is refused in this version because token
 * authentication is not built yet, and routes meant to be protected must not be served open.
 */
final class GatewaySectionBinder {
    public static final List<String> KEYS = List.of("enable_gateway", "authenticate", "realm", "secret_key");

    private GatewaySectionBinder() {
    }

    public static GatewaySpec bind(IniSection section, SourcePos filePos, EnvSubstitution env, Problems problems) {
        GatewaySpec d = GatewaySpec.disabled(filePos);
        if (section == null) {
            return d;
        }
        KeyValues kv = new KeyValues(section, "[api-gateway]", KEYS, env, problems);
        boolean enabled = kv.bool("enable_gateway", d.enabled());
        boolean authenticate = kv.bool("authenticate", d.authenticate());
        if (authenticate) {
            kv.error("authenticate", "authenticate = yes: token authentication is not available in this"
                    + " version yet; refusing to serve the gateway unprotected");
        }
        return new GatewaySpec(section.pos(), enabled, authenticate, kv.string("realm", d.realm()),
                kv.string("secret_key", d.secretKey()));
    }
}
