package io.waymark.core.role;

import io.waymark.core.model.Endpoint;
import java.util.Optional;

/**
 * Whether the serving side can answer for an endpoint at all (it must lie inside a served zone, not at
 * or below a delegation, not at a CNAME). Asked at plan time so that no plan ever holds an endpoint
 * that could not be served (issue 7, defect 1); the daemon answers from its DNS authority, the
 * simulator from its model. The answer for an endpoint must not change while the role lives.
 */
@FunctionalInterface
public interface Servability {
    /** Everything is servable: for stores that are not DNS servers, and for tests. */
    Servability ANY = endpoint -> Optional.empty();

    /** Why {@code endpoint} cannot be served, or empty when it can. */
    Optional<String> unservable(Endpoint endpoint);
}
