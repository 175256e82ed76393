package io.waymark.core.operator;

import io.waymark.core.model.Plan;
import java.util.Optional;

/** What a rollback did: the new plan when published, and a sentence for the operator. */
public record RollbackResult(RollbackStatus status, Optional<Plan> published, String detail) {
    public RollbackResult {
        if (status == null || published == null || detail == null) throw new IllegalArgumentException("rollback result parts must not be null");
        if (published.isPresent() != (status == RollbackStatus.PUBLISHED)) throw new IllegalArgumentException("a published plan comes with status PUBLISHED and only then");
    }
}
