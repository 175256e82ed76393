package io.waymark.server.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * Who may do what on {@code /api}: a write (any method but GET, HEAD and OPTIONS) needs the bearer
 * token; a read needs it too unless reads are open by configuration. The OpenAPI file is always open.
 * Runs before any handler, so a refused request reaches nothing that could change state.
 *
 * <p>Only the {@code Authorization} header is accepted, never a cookie or a query parameter: a browser
 * never adds the header by itself, so another web site cannot make an operator's browser pull a lever
 * (no CSRF), and the token stays out of URLs and access logs.
 */
final class ApiAccess {
    private final ApiToken token;
    private final boolean openReads;

    ApiAccess(ApiToken token, boolean openReads) {
        this.token = token;
        this.openReads = openReads;
    }

    void check(Context ctx) {
        if (ctx.path().equals("/api/openapi.yaml")) return;
        HandlerType m = ctx.method();
        boolean read = m == HandlerType.GET || m == HandlerType.HEAD || m == HandlerType.OPTIONS;
        if (read && openReads) return;
        String header = ctx.header("Authorization");
        if (token.admits(header)) return;
        throw new Refused((header == null ? "this request needs the API token" : "the API token given is not this daemon's")
                + " (" + (read ? "reads" : "writes") + " need 'Authorization: Bearer TOKEN'; the token is in " + token.file()
                + "; the CLI reads it from there, --token-file FILE or $WAYMARK_TOKEN); nothing was changed");
    }

    /** 401: no token, or not the right one. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }
}
