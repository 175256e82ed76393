package io.waymark.server.status;

import java.util.List;
import java.util.Optional;

/**
 * One incident on the status page: opened and closed by Waymark from its own signals (automatic), or
 * opened by an operator's note when none is open (closed by an operator).
 *
 * @param key       the signal that opened it ("fail-open:api.example.test.", "guard-refusal", …; "operator" for notes)
 * @param title     one line for customers
 * @param startedAt ISO-8601
 * @param endedAt   ISO-8601, empty while open
 * @param updates   oldest first
 */
public record Incident(long id, String key, String title, boolean automatic, String startedAt, Optional<String> endedAt, List<Update> updates) {
    public Incident {
        updates = List.copyOf(updates);
    }

    public boolean open() {
        return endedAt.isEmpty();
    }

    /** @param by "Waymark" for automatic updates, the operator otherwise */
    public record Update(String at, String by, String text) {}

    Incident with(Update u) {
        List<Update> more = new java.util.ArrayList<>(updates);
        more.add(u);
        return new Incident(id, key, title, automatic, startedAt, endedAt, more);
    }

    Incident closed(Update u) {
        return new Incident(id, key, title, automatic, startedAt, Optional.of(u.at()), with(u).updates);
    }
}
