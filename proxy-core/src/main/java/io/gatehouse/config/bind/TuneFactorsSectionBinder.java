package io.gatehouse.config.bind;

import io.gatehouse.config.model.TuneFactors;
import io.gatehouse.config.source.EnvSubstitution;
import io.gatehouse.config.source.IniSection;
import java.time.Duration;
import java.util.List;

/**
 * Binds {@code [tunefactors]}: Skitai's timing keys (plain integers are seconds) and the extensions
 * {@code header_timeout}, {@code max_header_size}, {@code send_timeout}, {@code client_body_timeout} and
 * {@code max_body_size} (nginx's {@code client_max_body_size}; 0 is no limit). Timeouts must be more than zero.
 */
final class TuneFactorsSectionBinder {
    public static final List<String> KEYS = List.of("static_max_age", "response_timeout", "keep_alive",
            "num_result_cache_max", "header_timeout", "max_header_size", "send_timeout", "client_body_timeout",
            "max_body_size");
    private static final Duration MORE_THAN_ZERO = Duration.ofMillis(1);

    private TuneFactorsSectionBinder() {
    }

    public static TuneFactors bind(IniSection section, EnvSubstitution env, Problems problems) {
        TuneFactors d = TuneFactors.DEFAULTS;
        if (section == null) {
            return d;
        }
        KeyValues kv = new KeyValues(section, "[tunefactors]", KEYS, env, problems);
        return new TuneFactors(
                kv.duration("static_max_age", Duration.ZERO, d.staticMaxAge()),
                kv.duration("response_timeout", MORE_THAN_ZERO, d.responseTimeout()),
                kv.duration("keep_alive", MORE_THAN_ZERO, d.keepAlive()),
                kv.integer("num_result_cache_max", 0, Integer.MAX_VALUE, d.numResultCacheMax()),
                kv.duration("header_timeout", Duration.ofSeconds(1), d.headerTimeout()),
                kv.size("max_header_size", 1024, 1024 * 1024, d.maxHeaderSize()),
                kv.duration("send_timeout", MORE_THAN_ZERO, d.sendTimeout()),
                kv.duration("client_body_timeout", MORE_THAN_ZERO, d.clientBodyTimeout()),
                kv.size("max_body_size", 0, Long.MAX_VALUE, d.maxBodySize()));
    }
}
