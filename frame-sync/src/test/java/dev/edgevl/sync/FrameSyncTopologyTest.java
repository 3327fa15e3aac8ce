package dev.edgevl.sync;

import static dev.edgevl.sync.TestFrames.depth;
import static dev.edgevl.sync.TestFrames.rgb;
import static dev.edgevl.sync.TestFrames.thermal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.config.Settings;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.serde.RecordDecodingException;
import dev.edgevl.schemas.topics.DeadLetters;
import dev.edgevl.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole topology on a test driver. Stream time is driven by the frames' capture times, wall-clock time by
 * {@code advanceWallClockTime}; defaults apply: automatic tolerance (half the slower sensor's frame period, 17 ms for
 * two sensors at 30 fps; 20 ms until a device's sensors have sent a few frames), 50 ms grace, 2 s max wait.
 */
class FrameSyncTopologyTest {
    private static final long MS = 1_000; // micros
    private static final long FRAME = 33_333; // micros between frames at 30 fps

    @TempDir
    Path stateDir;

    private final AvroSerdes serdes = AvroSerdes.singleObject();
    private final Serializer<SensorFrame> frameBytes =
            serdes.valueSerde(Topics.FRAMES_RGB).serializer();
    private final SyncCounters counters = new SyncCounters();
    private FrameSyncConfig config;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> rgbIn;
    private TestInputTopic<String, byte[]> auxIn;
    private TestOutputTopic<String, FramePair> paired;
    private TestOutputTopic<byte[], byte[]> rgbDeadLetters;
    private TestOutputTopic<byte[], byte[]> auxDeadLetters;

    @BeforeEach
    void start() {
        startWith(Settings.empty());
    }

    private void startWith(Settings settings) {
        config = FrameSyncConfig.from(settings);
        Properties props = config.streamsProperties(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test:9092"));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(FrameSyncTopology.build(config, serdes, counters), props, TestFrames.T0);
        rgbIn = driver.createInputTopic(Topics.FRAMES_RGB.name(), new StringSerializer(), new ByteArraySerializer());
        auxIn = driver.createInputTopic(Topics.FRAMES_AUX.name(), new StringSerializer(), new ByteArraySerializer());
        paired = driver.createOutputTopic(
                Topics.FRAMES_PAIRED.name(),
                new StringDeserializer(),
                serdes.valueSerde(Topics.FRAMES_PAIRED).deserializer());
        rgbDeadLetters = driver.createOutputTopic(
                Topics.FRAMES_RGB.deadLetter().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        auxDeadLetters = driver.createOutputTopic(
                Topics.FRAMES_AUX.deadLetter().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void inOrderFramesArePairedOncePerNonRgbFrameAsSoonAsNothingNearerCanCome() {
        sendTenInOrderRgbAndDepthFrames();
        // Once both sensors' periods are known (three frames each), their sequence numbers show nothing missing and
        // their next frames a period away, beyond the 17 ms tolerance: every depth frame is decided without waiting
        // for stream time or the wall clock.
        List<TestRecord<String, FramePair>> pairs = paired.readRecordsToList();
        assertThat(pairs)
                .extracting(r -> r.value().getAux().getSequence())
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(pairs).allSatisfy(r -> {
            FramePair pair = r.value();
            assertThat(r.key()).isEqualTo("cam-1");
            assertThat(pair.getRgb().getSequence()).isEqualTo(pair.getAux().getSequence());
            assertThat(pair.getSkewMicros()).isEqualTo(4 * MS);
            assertThat(pair.getOrigin()).isEqualTo(PairOrigin.FRAME_SYNC);
            assertThat(pair.getDeviceId()).isEqualTo("cam-1");
            assertThat(pair.getPairedTime()).isEqualTo(TestFrames.T0);
        });
        // The last RGB frames stay a while for a sensor that might still claim them; they are not forwarded alone.
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        assertThat(paired.readValuesToList()).isEmpty();
        assertTenDepthFramesPairedAndNothingWaits();
    }

    @Test
    void withoutEarlyDecisionsStreamTimeDecidesFramesAndTheMaxWaitTheLast() {
        driver.close();
        startWith(Settings.of(Map.of(FrameSyncConfig.DECIDE_EARLY.key(), "false")));
        sendTenInOrderRgbAndDepthFrames();
        // Stream time (304 ms) decides frames up to 234 ms; the max wait decides the last three.
        List<FramePair> early = paired.readValuesToList();
        assertThat(early).extracting(pair -> pair.getAux().getSequence()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(early).allSatisfy(pair -> {
            assertThat(pair.getRgb().getSequence()).isEqualTo(pair.getAux().getSequence());
            assertThat(pair.getSkewMicros()).isEqualTo(4 * MS);
        });
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        List<TestRecord<String, FramePair>> last = paired.readRecordsToList();
        assertThat(last).extracting(r -> r.value().getAux().getSequence()).containsExactly(7L, 8L, 9L);
        assertThat(last).allSatisfy(r -> assertThat(r.key()).isEqualTo("cam-1"));
        assertThat(last.get(0).value().getPairedTime()).isEqualTo(TestFrames.T0.plusSeconds(3));
        assertTenDepthFramesPairedAndNothingWaits();
    }

    private void sendTenInOrderRgbAndDepthFrames() {
        for (int i = 0; i < 10; i++) {
            send(rgb("cam-1", i, i * FRAME));
            send(depth("cam-1", i, i * FRAME + 4 * MS));
        }
    }

    private void assertTenDepthFramesPairedAndNothingWaits() {
        assertThat(counters.snapshot())
                .isEqualTo(new SyncStats(
                        10, Map.of(Modality.DEPTH, new SyncStats.AuxCounts(10, 10, 0)), 10, 0, 0, 0, 0, 0));
        assertNothingWaits();
    }

    @Test
    void framesOutOfOrderWithinTheGraceStillPair() {
        send(depth("cam-1", 0, 3 * MS));
        send(depth("cam-1", 1, FRAME + 2 * MS));
        send(rgb("cam-1", 1, FRAME));
        send(rgb("cam-1", 0, 0)); // 36 ms behind the device's newest frame, within the 50 ms grace
        send(depth("cam-1", 2, 2 * FRAME - 3 * MS));
        send(rgb("cam-1", 2, 2 * FRAME));
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertThat(paired.readValuesToList()).hasSize(3).allSatisfy(pair -> assertThat(
                        pair.getRgb().getSequence())
                .isEqualTo(pair.getAux().getSequence()));
        assertThat(counters.snapshot().late()).isZero();
        assertNothingWaits();
    }

    @Test
    void duplicatesAreDroppedAndCounted() {
        SensorFrame first = depth("cam-1", 0, 0);
        send(rgb("cam-1", 0, 0));
        send(first);
        send(first); // a producer retry while the original still waits
        for (int i = 1; i < 5; i++) {
            send(rgb("cam-1", i, i * FRAME));
            send(depth("cam-1", i, i * FRAME));
        }
        send(first); // and once more long after it was paired
        send(rgb("cam-1", 4, 4 * FRAME));
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertThat(paired.readValuesToList())
                .extracting(pair -> pair.getAux().getSequence())
                .containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(counters.snapshot().duplicates()).isEqualTo(3);
        assertThat(counters.snapshot().late()).isZero();
        assertNothingWaits();
    }

    @Test
    void aSensorThatRestartsItsCounterIsNotTakenForDuplicates() {
        send(depth("cam-1", 0, 0));
        send(depth("cam-1", 0, FRAME)); // same sequence number, new capture time
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertThat(paired.readValuesToList()).hasSize(2);
        assertThat(counters.snapshot().duplicates()).isZero();
    }

    @Test
    void framesFurtherApartThanTheToleranceDoNotPair() {
        send(rgb("cam-1", 0, 0));
        send(depth("cam-1", 0, 25 * MS));
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        FramePair alone = paired.readValue();
        assertThat(alone.getRgb()).isNull();
        assertThat(alone.getSkewMicros()).isNull();
        assertThat(alone.getAux().getSequence()).isZero();
        assertThat(paired.isEmpty()).isTrue();
        assertThat(counters.snapshot().unmatchedRgb()).isEqualTo(1);
        assertThat(counters.snapshot().auxOnly()).isEqualTo(1);
        assertNothingWaits();
    }

    @Test
    void aDeviceWithoutRgbGetsNonRgbOnlyPairsOnceTheFramesHaveWaitedTheMaximum() {
        send(depth("cam-9", 0, 0));
        send(depth("cam-9", 1, FRAME));
        send(depth("cam-9", 2, 2 * FRAME));
        assertThat(paired.isEmpty())
                .as("66 ms of stream time does not decide a frame (20 ms + 50 ms)")
                .isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(1_000));
        assertThat(paired.isEmpty()).as("not yet waited 2 s").isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(1_000));

        assertThat(paired.readValuesToList()).hasSize(3).allSatisfy(pair -> assertThat(pair.getRgb())
                .isNull());
        assertNothingWaits();
    }

    @Test
    void aFrameArrivingAfterItsWindowWasDecidedIsHandledLikeAnUnmatchedOne() {
        send(rgb("cam-1", 0, 0));
        send(depth("cam-1", 0, 0));
        send(rgb("cam-1", 5, 200 * MS));
        send(depth("cam-1", 5, 200 * MS)); // stream time is now 200 ms: frames before 130 ms are decided
        assertThat(paired.readValuesToList()).hasSize(1);

        send(depth("cam-1", 1, FRAME)); // 167 ms behind: late, goes alone at once
        send(rgb("cam-1", 1, FRAME)); // late too: counted, not forwarded

        FramePair late = paired.readValue();
        assertThat(late.getRgb()).isNull();
        assertThat(late.getAux().getSequence()).isEqualTo(1);
        SyncStats stats = counters.snapshot();
        assertThat(stats.late()).isEqualTo(2);
        assertThat(stats.auxOnly()).isEqualTo(1);
        assertThat(stats.unmatchedRgb()).isEqualTo(1);
    }

    @Test
    void aDeviceClockJumpingBackRestartsTheDevicesClockInsteadOfMakingEverythingLate() {
        send(rgb("cam-1", 0, 60_000_000)); // one minute ahead, e.g. before NTP corrected the clock
        send(rgb("cam-1", 1, 0));
        send(depth("cam-1", 0, 2 * MS));
        send(rgb("cam-1", 2, FRAME));
        send(depth("cam-1", 1, FRAME + 2 * MS));
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertThat(paired.readValuesToList())
                .extracting(pair -> pair.getRgb().getSequence())
                .containsExactly(1L, 2L);
        SyncStats stats = counters.snapshot();
        assertThat(stats.clockResets()).isEqualTo(1);
        assertThat(stats.late()).isZero();
        assertThat(stats.unmatchedRgb()).isEqualTo(1);
        assertNothingWaits();
    }

    @Test
    void garbageBytesGoToTheDeadLetterTopicWithTheReasonAndProcessingContinues() {
        byte[] garbage = {(byte) 0xC3, 0x01, 1, 2, 3};
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        rgbIn.pipeInput(new TestRecord<>("cam-1", garbage, headers, TestFrames.T0));
        send(rgb("cam-1", 0, 0));
        send(depth("cam-1", 0, MS));
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        TestRecord<byte[], byte[]> letter = rgbDeadLetters.readRecord();
        assertThat(letter.value()).isEqualTo(garbage);
        assertThat(letter.key()).isEqualTo("cam-1".getBytes(StandardCharsets.UTF_8));
        assertThat(header(letter, "trace-id")).isEqualTo("abc");
        assertThat(header(letter, DeadLetters.ERROR_CLASS)).isEqualTo(RecordDecodingException.class.getName());
        assertThat(header(letter, DeadLetters.ERROR_MESSAGE))
                .contains("frames.rgb")
                .contains("only 5 bytes");
        assertThat(header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo("frames.rgb");
        assertThat(header(letter, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(letter, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(letter, DeadLetters.STAGE)).isEqualTo(FrameSyncTopology.STAGE);
        assertThat(paired.readValuesToList()).hasSize(1);
        assertThat(counters.snapshot().deadLetters()).isEqualTo(1);
    }

    @Test
    void framesThatDecodeButCannotBePairedGoToTheirTopicsDeadLetterTopic() {
        send(rgb("cam-1", 0, 0));
        rgbIn.pipeInput("cam-1", frameBytes.serialize("frames.rgb", depth("cam-1", 0, 0))); // wrong topic
        SensorFrame shortRgb = SensorFrame.newBuilder(rgb("cam-1", 1, FRAME))
                .setData(ByteBuffer.wrap(new byte[7]))
                .build();
        send(shortRgb);
        auxIn.pipeInput("cam-2", frameBytes.serialize("frames.aux", depth("cam-1", 1, 0))); // key is not the device
        SensorFrame flat =
                SensorFrame.newBuilder(depth("cam-1", 2, 0)).setHeight(0).build();
        send(flat);
        send(depth("cam-1", 3, MS));
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertThat(rgbDeadLetters.readRecordsToList())
                .extracting(r -> header(r, DeadLetters.ERROR_MESSAGE))
                .satisfiesExactly(
                        message -> assertThat(message).contains("DEPTH frame arrived on frames.rgb"),
                        message -> assertThat(message)
                                .contains("has 7 bytes of pixels")
                                .contains("needs exactly 48"));
        assertThat(auxDeadLetters.readRecordsToList())
                .extracting(r -> header(r, DeadLetters.ERROR_MESSAGE))
                .satisfiesExactly(
                        message -> assertThat(message).contains("key 'cam-2' is not the frame's deviceId 'cam-1'"),
                        message -> assertThat(message).contains("4 x 0 pixels"));
        assertThat(paired.readValuesToList())
                .singleElement()
                .satisfies(pair -> assertThat(pair.getAux().getSequence()).isEqualTo(3));
        assertThat(counters.snapshot().deadLetters()).isEqualTo(4);
    }

    @Test
    void twoDevicesInterleavedNeverMix() {
        for (int i = 0; i < 20; i++) {
            send(rgb("cam-a", i, i * FRAME));
            send(rgb("cam-b", i, i * FRAME + 10 * MS));
            send(depth("cam-b", i, i * FRAME + 10 * MS - 6 * MS));
            send(depth("cam-a", i, i * FRAME + 5 * MS));
        }
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        List<TestRecord<String, FramePair>> records = paired.readRecordsToList();
        assertThat(records).hasSize(40).allSatisfy(r -> {
            assertThat(r.value().getRgb().getDeviceId()).isEqualTo(r.key());
            assertThat(r.value().getAux().getDeviceId()).isEqualTo(r.key());
            assertThat(r.value().getSkewMicros()).isEqualTo(r.key().equals("cam-a") ? 5 * MS : -6 * MS);
        });
        assertNothingWaits();
    }

    @Test
    void aDeviceWithTwoNonRgbSensorsGetsTwoPairsPerRgbFrame() {
        for (int i = 0; i < 5; i++) {
            send(rgb("cam-1", i, i * FRAME));
            send(depth("cam-1", i, i * FRAME + 3 * MS));
            send(thermal("cam-1", i, i * FRAME - 7 * MS));
        }
        driver.advanceWallClockTime(Duration.ofSeconds(3));

        List<FramePair> pairs = paired.readValuesToList();
        assertThat(pairs).hasSize(10).allSatisfy(pair -> assertThat(pair.getRgb())
                .isNotNull());
        assertThat(pairs)
                .filteredOn(pair -> pair.getAux().getSensorId().equals("thermal0"))
                .extracting(pair -> pair.getRgb().getSequence())
                .containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(counters.snapshot().rgbPaired()).isEqualTo(5);
        assertNothingWaits();
    }

    @Test
    void thermalAtNineFramesPerSecondPairsWithRgbAtTenByDefaultAndTheStatsSaySoPerModality() {
        sendNineAgainstTenFramesPerSecond(5);

        List<FramePair> pairs = paired.readValuesToList();
        List<FramePair> thermal = pairs.stream()
                .filter(pair -> pair.getAux().getModality() == Modality.THERMAL)
                .toList();
        assertThat(thermal).hasSize(45);
        assertThat(thermal.stream().filter(pair -> pair.getRgb() != null).count())
                .as("thermal frames paired")
                .isGreaterThanOrEqualTo(43);
        assertThat(thermal).filteredOn(pair -> pair.getRgb() != null).allSatisfy(pair -> assertThat(
                        Math.abs(pair.getSkewMicros()))
                .as("half the thermal period")
                .isLessThanOrEqualTo(55_556));
        SyncStats stats = counters.snapshot();
        assertThat(stats.of(Modality.THERMAL).frames()).isEqualTo(45);
        assertThat(stats.of(Modality.THERMAL).unpairedShare()).isLessThanOrEqualTo(0.05);
        assertThat(stats.of(Modality.DEPTH)).isEqualTo(new SyncStats.AuxCounts(50, 50, 0));
        assertThat(stats.auxFrames()).isEqualTo(95);
        assertThat(stats.sentence(Duration.ofSeconds(30)))
                .contains("DEPTH 50 paired and 0 without RGB (0.0% unpaired)")
                .contains("THERMAL " + stats.of(Modality.THERMAL).paired() + " paired");
        assertNothingWaits();
    }

    @Test
    void aFixedToleranceForEveryPairIsStillThereAndLeavesMostThermalFramesAloneAtNineAgainstTen() {
        driver.close();
        startWith(Settings.of(Map.of(FrameSyncConfig.TOLERANCE.key(), "20ms")));
        sendNineAgainstTenFramesPerSecond(5);

        SyncStats stats = counters.snapshot();
        assertThat(stats.of(Modality.THERMAL).paired()).isBetween(15L, 25L);
        assertThat(stats.of(Modality.THERMAL).decided()).isEqualTo(45);
        assertThat(stats.of(Modality.DEPTH).paired()).isEqualTo(50);
        assertThat(paired.readValuesToList())
                .filteredOn(pair -> pair.getRgb() != null)
                .allSatisfy(pair -> assertThat(Math.abs(pair.getSkewMicros())).isLessThanOrEqualTo(20 * MS));
    }

    @Test
    void aPerModalityToleranceWinsForItsModalityOnly() {
        driver.close();
        startWith(Settings.of(Map.of(FrameSyncConfig.TOLERANCE_THERMAL.key(), "10ms")));
        sendNineAgainstTenFramesPerSecond(5);

        List<FramePair> pairs = paired.readValuesToList();
        assertThat(pairs)
                .filteredOn(pair -> pair.getAux().getModality() == Modality.THERMAL && pair.getRgb() != null)
                .isNotEmpty()
                .allSatisfy(pair -> assertThat(Math.abs(pair.getSkewMicros())).isLessThanOrEqualTo(10 * MS));
        SyncStats stats = counters.snapshot();
        assertThat(stats.of(Modality.THERMAL).paired()).isLessThan(20);
        assertThat(stats.of(Modality.DEPTH).paired()).isEqualTo(50);
    }

    /**
     * One device of the drift scenario for {@code seconds}: RGB and depth (4 ms behind) at 10 fps, thermal (6 ms ahead)
     * at 9 fps, sent in capture order; then every frame has waited the maximum.
     */
    private void sendNineAgainstTenFramesPerSecond(int seconds) {
        List<SensorFrame> frames = new ArrayList<>();
        for (int n = 0; n < 10 * seconds; n++) {
            frames.add(rgb("cam-1", n, n * 100 * MS + 6 * MS));
            frames.add(depth("cam-1", n, n * 100 * MS + 10 * MS));
        }
        for (int n = 0; n < 9 * seconds; n++) {
            frames.add(thermal("cam-1", n, n * 1_000_000L / 9));
        }
        frames.sort(Comparator.comparing(SensorFrame::getCaptureTime));
        frames.forEach(this::send);
        driver.advanceWallClockTime(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @EnumSource(FrameSyncConfig.StoreKind.class)
    void stateIsEmptyOnceEverythingIsDecidedAndSilentDevicesAreForgotten(FrameSyncConfig.StoreKind store) {
        driver.close();
        startWith(Settings.of(Map.of(FrameSyncConfig.STORE.key(), store.name())));
        for (int i = 0; i < 30; i++) {
            send(rgb("cam-" + i % 3, i, i * FRAME));
            send(depth("cam-" + i % 3, i, i * FRAME + (i % 5) * 2 * MS));
        }
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        assertNothingWaits();
        assertThat(count(driver.getKeyValueStore(FrameSyncTopology.DEVICES_STORE)))
                .isEqualTo(3);

        driver.advanceWallClockTime(config.deviceExpiry());
        assertThat(count(driver.getKeyValueStore(FrameSyncTopology.DEVICES_STORE)))
                .isZero();
        SyncStats stats = counters.snapshot();
        assertThat(stats.auxFrames()).isEqualTo(stats.pairs() + stats.auxOnly());
        assertThat(stats.rgbFrames()).isEqualTo(stats.rgbPaired() + stats.unmatchedRgb());
        assertThat(stats.waiting()).isZero();
    }

    @Test
    void bothFrameTopicsFeedOneSubTopologySoADevicesFramesMeetInOneTask() {
        TopologyDescription description =
                FrameSyncTopology.build(config, serdes).describe();

        assertThat(description.subtopologies()).singleElement().satisfies(sub -> {
            assertThat(sub.nodes())
                    .filteredOn(node -> node instanceof TopologyDescription.Source)
                    .flatExtracting(node -> ((TopologyDescription.Source) node).topicSet())
                    .containsExactlyInAnyOrder("frames.rgb", "frames.aux");
            assertThat(sub.nodes())
                    .filteredOn(node -> node instanceof TopologyDescription.Processor)
                    .flatExtracting(node -> ((TopologyDescription.Processor) node).stores())
                    .containsExactlyInAnyOrderElementsOf(FrameSyncTopology.STORES);
            assertThat(sub.nodes())
                    .filteredOn(node -> node instanceof TopologyDescription.Sink)
                    .extracting(node -> ((TopologyDescription.Sink) node).topic())
                    .containsExactlyInAnyOrder("frames.paired", "frames.rgb.dlq", "frames.aux.dlq");
        });
    }

    private void send(SensorFrame frame) {
        boolean isRgb = frame.getModality() == Modality.RGB;
        TestInputTopic<String, byte[]> topic = isRgb ? rgbIn : auxIn;
        String name = isRgb ? Topics.FRAMES_RGB.name() : Topics.FRAMES_AUX.name();
        topic.pipeInput(frame.getDeviceId(), frameBytes.serialize(name, frame), frame.getCaptureTime());
    }

    private void assertNothingWaits() {
        assertThat(count(driver.getKeyValueStore(FrameSyncTopology.PENDING_STORE)))
                .as("waiting frames")
                .isZero();
        assertThat(count(driver.getKeyValueStore(FrameSyncTopology.FRAMES_STORE)))
                .as("stored images")
                .isZero();
    }

    private static long count(KeyValueStore<?, ?> store) {
        long n = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        return DeadLetters.header(record.headers(), key).orElseThrow(() -> new AssertionError("no header " + key));
    }
}
