package io.waymark.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionTrackerTest {
    private static final RoleCondition OK = RoleCondition.ok("serving");
    private static final RoleCondition DOWN = new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "", "record store: File too large");

    @Test
    void trouble_that_flaps_is_reported_once_and_its_end_once_it_held() {
        ConditionTracker t = new ConditionTracker(1_000);
        List<Transition> out = new ArrayList<>();
        t.observe(OK, 0).ifPresent(out::add);
        // Flapping: down, up for a moment, down again — every 100 ns for a while.
        for (long now = 100; now < 10_000; now += 100) t.observe((now / 100) % 3 == 0 ? OK : DOWN, now).ifPresent(out::add);
        assertThat(out).singleElement().satisfies(x -> assertThat(x.troubleStarted()).isTrue());
        assertThat(t.current()).isIn(OK, DOWN);
        // Now it holds: reported once, after the settle time.
        for (long now = 10_000; now < 12_000; now += 100) t.observe(OK, now).ifPresent(out::add);
        assertThat(out).hasSize(2);
        assertThat(out.get(1).recovered()).isTrue();
        assertThat(out.get(1).atNanos()).isGreaterThanOrEqualTo(10_800);
    }

    @Test
    void details_change_without_news_and_status_sees_the_latest() {
        ConditionTracker t = new ConditionTracker(0);
        assertThat(t.observe(DOWN, 0)).isPresent();
        RoleCondition other = new RoleCondition(RoleCondition.Kind.STORE_UNAVAILABLE, "", "record store read e7: closed");
        assertThat(t.observe(other, 1)).isEmpty();
        assertThat(t.current().detail()).contains("e7");
        assertThat(t.sinceNanos()).isZero();
        assertThat(t.observe(OK, 2)).hasValueSatisfying(x -> assertThat(x.recovered()).isTrue());
        assertThat(t.sinceNanos()).isEqualTo(2); // a new condition: status views count from its start
    }
}
