package io.gatehouse.config.bind;

import io.gatehouse.config.model.GatewaySpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.Shown;
import io.gatehouse.config.source.SourcePos;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds {@code [api-gateway]}: the seed's {@code enable_gateway}, {@code authenticate}, {@code realm} and
 * {@code secret_key}, and the keys that say how tokens are checked and how members learn who asked. What
 * needs the auth libraries (key lengths, algorithm names, whether a JWKS or token file loads) is checked
 * by the auth module's configuration check, at the lines kept in {@link GatewaySpec#keys()}; here only the
 * shapes of values are. Token keys written while the site does not authenticate are warned about: they
 * have no effect.
 */
final class GatewaySectionBinder {
    public static final List<String> KEYS = List.of("enable_gateway", "authenticate", "realm", "secret_key", "jwks",
            "jwks_refresh", "algorithms", "user_claim", "roles_claim", "leeway", "issuer", "audience", "token_file",
            "user_header", "roles_header", "token_cache");
    /** Keys that only matter when the site authenticates. */
    private static final List<String> TOKEN_KEYS = KEYS.subList(3, KEYS.size());
    /** An RFC 9110 field name. */
    private static final Pattern FIELD_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
    /** Fields that cannot carry identity: framing, routing, credentials and Gatehouse's own forwarding fields. */
    private static final Set<String> RESERVED = Set.of("host", "authorization", "content-length", "transfer-encoding",
            "connection", "upgrade", "te", "trailer", "keep-alive", "proxy-authorization", "expect", "cookie",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "via", "x-request-id");

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
        String realm = kv.string("realm", d.realm());
        if (!realm.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != '"' && c != '\\')) {
            kv.error("realm", "realm must not hold quotes, backslashes or control characters (it is sent in"
                    + " WWW-Authenticate: Bearer realm=\"...\"), got " + Shown.of(realm));
            realm = d.realm();
        }
        List<String> algorithms = kv.list("algorithms").stream().map(a -> a.toUpperCase(Locale.ROOT))
                .map(a -> a.equals("EDDSA") ? "EdDSA" : a).toList();
        Duration leeway = kv.duration("leeway", Duration.ZERO, GatewaySpec.DEFAULT_LEEWAY);
        Duration jwksRefresh = kv.duration("jwks_refresh", Duration.ofSeconds(1), GatewaySpec.DEFAULT_JWKS_REFRESH);
        Duration tokenCache = kv.duration("token_cache", Duration.ZERO, GatewaySpec.DEFAULT_TOKEN_CACHE);
        String userHeader = fieldName(kv, "user_header", GatewaySpec.DEFAULT_USER_HEADER);
        String rolesHeader = fieldName(kv, "roles_header", GatewaySpec.DEFAULT_ROLES_HEADER);
        if (userHeader.equalsIgnoreCase(rolesHeader)) {
            kv.error("roles_header", "roles_header must differ from user_header, both are " + userHeader);
            rolesHeader = GatewaySpec.DEFAULT_ROLES_HEADER;
        }
        String userClaim = claim(kv, "user_claim", GatewaySpec.DEFAULT_USER_CLAIM);
        String rolesClaim = claim(kv, "roles_claim", GatewaySpec.DEFAULT_ROLES_CLAIM);
        if (authenticate && !enabled) {
            kv.warning("authenticate", "authenticate = yes has no effect while enable_gateway is no: no token is"
                    + " checked (a cluster with roles behind this site is refused)");
        }
        if (!(enabled && authenticate)) {
            for (String key : TOKEN_KEYS) {
                if (kv.given(key) && !key.equals("user_header") && !key.equals("roles_header")) {
                    kv.warning(key, key + " has no effect without enable_gateway = yes and authenticate = yes");
                }
            }
        }
        return new GatewaySpec(section.pos(), enabled, authenticate, realm, kv.string("secret_key", d.secretKey()),
                kv.string("jwks", ""), jwksRefresh, algorithms, userClaim, rolesClaim, leeway,
                kv.string("issuer", ""), kv.string("audience", ""), kv.string("token_file", ""), userHeader,
                rolesHeader, tokenCache, kv.positions());
    }

    private static String fieldName(KeyValues kv, String key, String dflt) {
        String name = kv.string(key, dflt);
        if (!FIELD_NAME.matcher(name).matches()) {
            kv.error(key, key + " must be a header field name (letters, digits, '-'), got " + Shown.of(name));
            return dflt;
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            kv.error(key, key + " cannot be " + name + ": Gatehouse or HTTP itself sets that field");
            return dflt;
        }
        return name;
    }

    private static String claim(KeyValues kv, String key, String dflt) {
        String name = kv.string(key, dflt);
        if (name.isEmpty()) {
            kv.error(key, key + " must name a claim, got \"\"");
            return dflt;
        }
        return name;
    }
}
