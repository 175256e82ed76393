package io.waymark.sim.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLoopTest {
    @Test
    void runsEventsInTimeOrderAndTiesInSchedulingOrder() {
        EventLoop loop = new EventLoop(10);
        List<String> seen = new ArrayList<>();
        loop.at(20, () -> seen.add("b@" + loop.nowMs()));
        loop.at(10, () -> seen.add("a@" + loop.nowMs()));
        loop.at(20, () -> seen.add("c@" + loop.nowMs()));
        loop.at(10, () -> loop.after(0, () -> seen.add("d@" + loop.nowMs())));
        loop.runUntil(15);
        assertThat(seen).containsExactly("a@10", "d@10");
        assertThat(loop.nowMs()).isEqualTo(15);
        loop.runUntil(100);
        assertThat(seen).containsExactly("a@10", "d@10", "b@20", "c@20");
        assertThat(loop.executed()).isEqualTo(5);
    }

    @Test
    void refusesThePastAndAnOverfullQueue() {
        EventLoop loop = new EventLoop(2);
        loop.runUntil(50);
        assertThatThrownBy(() -> loop.at(49, () -> { })).isInstanceOf(IllegalArgumentException.class);
        loop.after(1, () -> { });
        loop.after(1, () -> { });
        assertThatThrownBy(() -> loop.after(1, () -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bound 2");
    }
}
