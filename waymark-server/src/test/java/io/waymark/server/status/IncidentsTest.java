package io.waymark.server.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incidents open after their signal lasted, close after it is gone, survive a restart, and take operators' notes. */
class IncidentsTest {
    @TempDir Path dir;
    private static final Signal CAPACITY = new Signal("capacity:api.example.test.", "api.example.test.: reduced capacity", "runs with 40%");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-31T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void aBlipIsNoIncidentALastingSignalIsOneAndItClosesByItselfOnceGone() throws Exception {
        try (Incidents i = Incidents.open(dir, CLOCK)) {
            i.observe(List.of(CAPACITY), 0);
            i.observe(List.of(), 500);
            i.observe(List.of(CAPACITY), 600);
            i.observe(List.of(CAPACITY), 600 + Incidents.OPEN_AFTER_MS - 1);
            assertThat(i.all()).as("not yet lasted %d ms", Incidents.OPEN_AFTER_MS).isEmpty();
            i.observe(List.of(CAPACITY), 600 + Incidents.OPEN_AFTER_MS);
            assertThat(i.all()).singleElement().satisfies(x -> {
                assertThat(x.open()).isTrue();
                assertThat(x.automatic()).isTrue();
                assertThat(x.title()).isEqualTo(CAPACITY.title());
            });
            // Flapping within CLOSE_AFTER_MS stays one incident.
            long t = 600 + Incidents.OPEN_AFTER_MS;
            i.observe(List.of(), t + 100);
            i.observe(List.of(CAPACITY), t + 200);
            i.observe(List.of(), t + 300);
            assertThat(i.all()).hasSize(1).allMatch(Incident::open);
            i.observe(List.of(), t + 200 + Incidents.CLOSE_AFTER_MS);
            assertThat(i.all()).singleElement().satisfies(x -> {
                assertThat(x.open()).isFalse();
                assertThat(x.updates()).last().extracting(Incident.Update::text).asString().startsWith("Resolved");
            });
        }
    }

    @Test
    void notesGoToTheNewestOpenIncidentOrOpenOneAndEverythingSurvivesARestart() throws Exception {
        long id;
        try (Incidents i = Incidents.open(dir, CLOCK)) {
            Incident opened = i.note("Planned maintenance of the eu pool tonight", Optional.empty(), "alice");
            assertThat(opened.automatic()).isFalse();
            assertThat(opened.open()).isTrue();
            id = opened.id();
            i.observe(List.of(CAPACITY), 0);
            i.observe(List.of(CAPACITY), Incidents.OPEN_AFTER_MS);
            Incident auto = i.all().get(0);
            assertThat(auto.automatic()).isTrue();
            assertThat(i.note("We are on it", Optional.empty(), "bob").id()).as("the newest open incident").isEqualTo(auto.id());
            assertThat(i.note("Started", Optional.of(id), "alice").id()).isEqualTo(id);
            assertThatThrownBy(() -> i.close(auto.id(), "", "bob")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closes by itself");
            assertThatThrownBy(() -> i.note(" ", Optional.empty(), "bob")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> i.note("x".repeat(Incidents.NOTE_CHARS_MAX + 1), Optional.empty(), "bob")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> i.note("x", Optional.of(999L), "bob")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("999");
            i.close(id, "Done", "alice");
        }
        Files.writeString(dir.resolve(Incidents.FILE), "{not json\n", java.nio.file.StandardOpenOption.APPEND);
        try (Incidents again = Incidents.open(dir, CLOCK)) {
            List<Incident> all = again.all();
            assertThat(all).hasSize(2);
            Incident manual = all.stream().filter(x -> x.id() == id).findFirst().orElseThrow();
            assertThat(manual.open()).isFalse();
            assertThat(manual.updates()).extracting(Incident.Update::text).containsExactly("Planned maintenance of the eu pool tonight", "Started", "Done");
            Incident auto = all.stream().filter(Incident::automatic).findFirst().orElseThrow();
            assertThat(auto.open()).isTrue();
            assertThat(auto.updates()).extracting(Incident.Update::by).containsExactly("Waymark", "bob");
            // After a restart the cause is gone: it closes once CLOSE_AFTER_MS have passed without it.
            again.observe(List.of(), 0);
            again.observe(List.of(), Incidents.CLOSE_AFTER_MS);
            assertThat(again.all()).noneMatch(Incident::open);
        }
    }

    @Test
    void plainLanguageStatesAndSignalsFromTheDaemonsStatus() throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode normal = m.readTree("""
                {"paused":false,"pinned":false,"stores":[{"store":"plans","state":"UP"}],"endpoints":[
                 {"name":"a.","capacity":{"fraction":1.0,"healthyTargets":2,"targets":2},"targetHealth":["UP","UP"]},
                 {"name":"b.","capacity":{"fraction":0.5,"healthyTargets":1,"targets":2},"targetHealth":["UP","DOWN"]},
                 {"name":"c.","capacity":{"fraction":0.0,"healthyTargets":0,"targets":2},"targetHealth":["DOWN","DOWN"]},
                 {"name":"d.","capacity":{"fraction":0.0,"healthyTargets":0,"targets":2},"targetHealth":["UNKNOWN","UNKNOWN"]}]}""");
        List<EndpointState> states = new java.util.ArrayList<>();
        for (JsonNode e : normal.path("endpoints")) states.add(EndpointState.of(normal, e, 0.75));
        assertThat(states).as("unknown is not down: d. is not reported").containsExactly(EndpointState.NORMAL, EndpointState.DEGRADED, EndpointState.LAST_KNOWN_GOOD, EndpointState.NORMAL);
        assertThat(EndpointState.signals(normal, 0.75)).extracting(Signal::key).containsExactly("fail-open", "capacity");

        JsonNode troubled = m.readTree("""
                {"paused":true,"stores":[{"store":"records","state":"FAILED"}],"guardRefusal":{"detail":"x"},"endpoints":[
                 {"name":"a.","capacity":{"fraction":1.0,"healthyTargets":2,"targets":2},"targetHealth":["UP","UP"]}]}""");
        assertThat(EndpointState.of(troubled, troubled.path("endpoints").get(0), 0.75)).isEqualTo(EndpointState.LAST_KNOWN_GOOD);
        assertThat(EndpointState.signals(troubled, 0.75)).extracting(Signal::key).containsExactly("guard-refusal", "store:records");
        JsonNode paused = m.readTree("""
                {"paused":true,"stores":[],"endpoints":[{"name":"a.","capacity":{"fraction":1.0,"healthyTargets":2,"targets":2},"targetHealth":["UP","UP"]}]}""");
        assertThat(EndpointState.of(paused, paused.path("endpoints").get(0), 0.75).words).isEqualTo("automation paused");
    }
}
