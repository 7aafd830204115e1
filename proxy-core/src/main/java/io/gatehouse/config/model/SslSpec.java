package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;

/**
 * A site's {@code [ssl]} section as written; the TLS issue turns it into listener key material.
 * {@code passphrase} may be empty.
 */
public record SslSpec(SourcePos pos, boolean enabled, String certfile, String keyfile, String passphrase) {
    public static SslSpec disabled(SourcePos pos) {
        return new SslSpec(pos, false, "", "", "");
    }
}
