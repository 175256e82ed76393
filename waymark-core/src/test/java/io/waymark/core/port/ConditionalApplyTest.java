package io.waymark.core.port;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waymark.core.Fixtures;
import io.waymark.core.model.Endpoint;
import io.waymark.core.model.Stamp;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch check every record store runs before it decides anything (a refused batch writes nothing). */
class ConditionalApplyTest {
    static final Endpoint API = Endpoint.of("api.test.");
    static final Stamp G1 = Stamp.of(1, Fixtures.draft(1, 1).hash());

    @Test
    void aWellFormedBatchPassesAndEveryBrokenOneIsRefusedWithItsReason() {
        ConditionalApply ok = new ConditionalApply(API, Stamp.NONE, G1, Fixtures.rs(1));
        assertThatCode(() -> ConditionalApply.requireValid(List.of(ok, ok))).doesNotThrowAnyException();
        assertThatCode(() -> ConditionalApply.requireValid(List.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> ConditionalApply.requireValid(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("applies must not be null");
        assertThatThrownBy(() -> ConditionalApply.requireValid(Arrays.asList(ok, null))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("null apply in batch");
    }

    @Test
    void theEmptyStampAndMissingPartsAreRefusedAtConstruction() {
        assertThatThrownBy(() -> new ConditionalApply(API, G1, Stamp.NONE, Fixtures.rs(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot apply the empty stamp to " + API);
        assertThatThrownBy(() -> new ConditionalApply(null, Stamp.NONE, G1, Fixtures.rs(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConditionalApply(API, null, G1, Fixtures.rs(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConditionalApply(API, Stamp.NONE, null, Fixtures.rs(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConditionalApply(API, Stamp.NONE, G1, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
