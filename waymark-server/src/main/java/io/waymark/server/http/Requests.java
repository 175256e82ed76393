package io.waymark.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;

/** What every handler does with a request: JSON in and out, numbers from text, who asked. */
final class Requests {
    private Requests() {}

    static JsonNode body(Context ctx) {
        try {
            JsonNode n = ApiJson.MAPPER.readTree(ctx.body());
            if (n == null || !n.isObject()) throw new IllegalArgumentException("body must be a JSON object");
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Who asked, for the audit log: the operator the CLI or console names (X-Waymark-Operator), and where from. */
    static String who(Context ctx) {
        String operator = ctx.header(ApiServer.OPERATOR_HEADER);
        String from = "http " + ctx.ip();
        return operator == null || operator.isBlank() ? from : operator.strip() + " via " + from;
    }

    static long number(String what, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, got '" + text + "'");
        }
    }

    static void json(Context ctx, ObjectNode body) {
        ctx.contentType("application/json").result(body.toString());
    }

}
