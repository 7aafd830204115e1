package io.gatehouse.config.model;

import io.gatehouse.config.source.SourcePos;

/** A site's {@code [api-gateway]} section as written (token auth is a later capability). */
public record GatewaySpec(SourcePos pos, boolean enabled, boolean authenticate, String realm, String secretKey) {
    public static GatewaySpec disabled(SourcePos pos) {
        return new GatewaySpec(pos, false, false, "API Gateway", "");
    }
}
