package io.gatehouse.config.bind;

import io.gatehouse.config.model.SslSpec;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import io.gatehouse.config.source.SourcePos;
import java.util.List;

/**
 * Binds {@code [ssl]}. The values are kept as written; {@code enable_ssl = yes} is refused in this version
 * because TLS termination is not built yet, and a site that asked for TLS must never be served in
 * plain text.
 */
final class SslSectionBinder {
    public static final List<String> KEYS = List.of("enable_ssl", "certfile", "keyfile", "passphrase");

    private SslSectionBinder() {
    }

    public static SslSpec bind(IniSection section, SourcePos filePos, EnvSubstitution env, Problems problems) {
        if (section == null) {
            return SslSpec.disabled(filePos);
        }
        KeyValues kv = new KeyValues(section, "[ssl]", KEYS, env, problems);
        boolean enabled = kv.bool("enable_ssl", false);
        if (enabled) {
            kv.error("enable_ssl", "enable_ssl = yes: TLS termination is not available in this version yet;"
                    + " refusing to serve this site in plain text (terminate TLS in front of Gatehouse for now)");
        }
        return new SslSpec(section.pos(), enabled, kv.string("certfile", ""), kv.string("keyfile", ""),
                kv.string("passphrase", ""));
    }
}
