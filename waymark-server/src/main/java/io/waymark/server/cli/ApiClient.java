package io.waymark.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waymark.server.http.ApiServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What the operator verbs use to talk to a running daemon's HTTP API. Failures become
 * {@link ApiException} with a sentence an operator can act on, never a stack trace.
 */
final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who runs this CLI, for the daemon's audit log. */
    private static final String OPERATOR = System.getProperty("user.name", "unknown") + " (waymark CLI)";

    private final URI base;
    private final java.util.Optional<String> token;
    private final String tokenSource;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /**
     * @param token       the bearer token, sent with every request (reads may need it too)
     * @param tokenSource where it came from, or where it was looked for, for the error message of a 401
     */
    ApiClient(String baseUrl, java.util.Optional<String> token, String tokenSource) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.token = token;
        this.tokenSource = tokenSource;
    }

    ApiClient(String baseUrl) {
        this(baseUrl, java.util.Optional.empty(), "no token given");
    }

    /** Where the token came from, or where it was looked for (said with a 401). */
    String tokenSource() {
        return tokenSource;
    }

    JsonNode post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    JsonNode post(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            response = http.send(request.timeout(TIMEOUT).header("Accept", "application/json")
                    .header(ApiServer.OPERATOR_HEADER, OPERATOR).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ApiException("no Waymark daemon answers at " + base + " (start one with ./waymark run, or pass --api URL)");
        } catch (IOException e) {
            throw new ApiException("talking to " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted");
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ApiException("daemon answered HTTP " + response.statusCode() + " with a body that is not JSON");
        }
        if (response.statusCode() >= 400) {
            String error = body.path("error").asText("HTTP " + response.statusCode());
            if (response.statusCode() == 401) throw new ApiException("refused (401): " + error + " [this CLI: " + tokenSource + "]");
            throw new ApiException(error);
        }
        return body;
    }

    static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return node.toString();
        }
    }

    static final class ApiException extends RuntimeException {
        ApiException(String message) {
            super(message);
        }
    }
}
