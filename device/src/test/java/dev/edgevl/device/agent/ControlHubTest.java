package dev.edgevl.device.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ControlHubTest {
    private final ControlHub hub = new ControlHub(AvroSerdes.singleObject());
    private final List<ModelOffer> offers = new CopyOnWriteArrayList<>();
    private final List<LiveLabels> labels = new CopyOnWriteArrayList<>();
    private final ControlFeed.Listener listener = new ControlFeed.Listener() {
        @Override
        public void onModel(ModelOffer offer) {
            offers.add(offer);
        }

        @Override
        public void onLabels(LiveLabels live) {
            labels.add(live);
        }
    };

    private static ControlHub.Encoded model(long version) {
        return new ControlHub.Encoded(
                Topics.MODELS.name(),
                SignedStudents.FAMILY,
                SignedStudents.encode(SignedStudents.version(version)),
                "models-0@" + version);
    }

    private static ControlHub.Encoded label(String name, long seed) {
        return new ControlHub.Encoded(
                Topics.LABELS_EMBEDDED.name(),
                name,
                SignedStudents.encode(SignedStudents.labelRecord(name, seed)),
                "labels.embedded");
    }

    private static ControlHub.Encoded labelRemoved(String name) {
        return new ControlHub.Encoded(Topics.LABELS_EMBEDDED.name(), name, null, "labels.embedded");
    }

    @Test
    void theBacklogOnlyUpdatesStateAndTheNewestRecordIsOfferedOnceCaughtUp() {
        hub.subscribe(listener);
        hub.apply(List.of(model(1), label("cube", 1), model(2), label("sphere", 2), model(3), labelRemoved("cube")));
        assertThat(offers).as("nothing loads while the backlog is read").isEmpty();

        hub.caughtUp();

        assertThat(offers).extracting(o -> o.record().getVersion()).containsExactly(3L);
        assertThat(labels).hasSize(1);
        assertThat(labels.get(0).contains("sphere")).isTrue();
        assertThat(labels.get(0).contains("cube"))
                .as("removed by its tombstone")
                .isFalse();
    }

    @Test
    void afterCatchingUpEveryBatchOffersItsNewestRecordIncludingARollback() {
        hub.subscribe(listener);
        hub.caughtUp();
        offers.clear();

        hub.apply(List.of(model(4), model(5)));
        hub.apply(model(2));

        assertThat(offers)
                .extracting(o -> o.record().getVersion())
                .as("the newest record wins, whatever its number")
                .containsExactly(5L, 2L);
    }

    @Test
    void aLateListenerIsToldTheCurrentStateAtOnce() {
        hub.apply(List.of(model(1), model(2), label("cube", 1)));
        hub.caughtUp();

        hub.subscribe(listener);

        assertThat(offers).extracting(o -> o.record().getVersion()).containsExactly(2L);
        assertThat(labels).singleElement().satisfies(l -> assertThat(l.size()).isEqualTo(1));
    }

    @Test
    void anUndecodableRecordIsOfferedAsSuchSoDevicesCanRefuseIt() {
        hub.caughtUp();
        hub.subscribe(listener);
        offers.clear();

        hub.apply(new ControlHub.Encoded(
                Topics.MODELS.name(), SignedStudents.FAMILY, "garbage".getBytes(StandardCharsets.UTF_8), "models-0@9"));

        assertThat(offers).singleElement().satisfies(o -> {
            assertThat(o.record()).isNull();
            assertThat(o.family()).isEqualTo(SignedStudents.FAMILY);
            assertThat(o.problem()).startsWith("the record cannot be decoded");
            assertThat(o.describe()).isEqualTo("an unreadable student record");
        });
    }

    @Test
    void aClosedSubscriptionHearsNothingMore() throws Exception {
        hub.caughtUp();
        AutoCloseable subscription = hub.subscribe(listener);
        offers.clear();
        subscription.close();

        hub.apply(model(1));

        assertThat(offers).isEmpty();
    }
}
