package io.waymark.adapters.plan;

import io.waymark.core.model.Plan;
import java.io.IOException;

/**
 * A published plan as bytes, in the plan log's JSON form ({@link PlanCodec}), for stores that keep
 * plans elsewhere (etcd): one encoding of a plan everywhere, readable with jq.
 */
public final class PlanBytes {
    private PlanBytes() {}

    public static byte[] encode(Plan plan) {
        return new PlanCodec().publish(plan);
    }

    /** Decodes what {@link #encode} wrote; anything else is an IOException naming what is wrong. */
    public static Plan decode(byte[] bytes) throws IOException {
        if (new PlanCodec().decode(bytes) instanceof PlanCodec.Entry.Publish p) return p.plan();
        throw new IOException("bytes hold a plan store entry that is not a published plan");
    }
}
