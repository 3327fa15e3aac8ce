package dev.edgevl.sync;

import dev.edgevl.avro.SensorFrame;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.RequiredTopics;
import dev.edgevl.schemas.topics.Topics;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The frame-sync topology, as a pure function of its configuration:
 * <pre>
 * frames.rgb ─▶ decode-rgb ─┬─▶ sync ─▶ frames.paired
 * frames.aux ─▶ decode-aux ─┤
 *                           ├─▶ frames.rgb.dlq
 *                           └─▶ frames.aux.dlq
 * </pre>
 * Both inputs feed one processor, so Kafka Streams gives a device's RGB and non-RGB partitions to the same task;
 * that needs frames.rgb and frames.aux to have the same partition count and producers to partition by deviceId
 * with the default partitioner ({@link #REQUIRED_TOPICS} are checked at start-up).
 */
public final class FrameSyncTopology {
    /** Names the stage in dead-letter headers. */
    public static final String STAGE = "frame-sync";
    /** What frame sync reads and writes; frames.rgb and frames.aux are joined by key. */
    public static final RequiredTopics REQUIRED_TOPICS = RequiredTopics.of(
                    "Frame sync", Topics.FRAMES_RGB, Topics.FRAMES_AUX, Topics.FRAMES_PAIRED)
            .withDeadLetters(Topics.FRAMES_RGB, Topics.FRAMES_AUX)
            .samePartitions(
                    Topics.FRAMES_RGB,
                    Topics.FRAMES_AUX,
                    "a device's RGB and non-RGB frames only meet when both topics have the same number of partitions");

    /** Waiting frames' metadata, keyed device / capture time / sensor / sequence. Changelog: {@code <application.id>-frame-sync-pending-changelog}. */
    public static final String PENDING_STORE = "frame-sync-pending";
    /** Waiting frames' pixels, same keys. Changelog: {@code <application.id>-frame-sync-frames-changelog}. */
    public static final String FRAMES_STORE = "frame-sync-frames";
    /** Per-device stream time, last contact, duplicate memory and sensors' frame periods. Changelog: {@code <application.id>-frame-sync-devices-changelog}. */
    public static final String DEVICES_STORE = "frame-sync-devices";

    public static final Set<String> STORES = Set.of(PENDING_STORE, FRAMES_STORE, DEVICES_STORE);

    static final String RGB_SOURCE = "frames-rgb";
    static final String AUX_SOURCE = "frames-aux";
    static final String RGB_DECODER = "decode-rgb";
    static final String AUX_DECODER = "decode-aux";
    static final String SYNC = "sync";
    static final String PAIRED_SINK = "frames-paired";
    static final String RGB_DEAD_LETTERS = "frames-rgb-dlq";
    static final String AUX_DEAD_LETTERS = "frames-aux-dlq";

    private FrameSyncTopology() {}

    /** The topology with counters nobody reads; for tools that only describe or test it. */
    public static Topology build(FrameSyncConfig config, AvroSerdes serdes) {
        return build(config, serdes, new SyncCounters());
    }

    /**
     * @param serdes   reads frames and writes pairs in the configured wire format
     * @param counters counted into by every task of the topology
     */
    public static Topology build(FrameSyncConfig config, AvroSerdes serdes, SyncCounters counters) {
        Topology topology = new Topology();
        topology.addSource(
                RGB_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.FRAMES_RGB.name());
        topology.addSource(
                AUX_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.FRAMES_AUX.name());
        topology.addProcessor(RGB_DECODER, decoder(FrameSource.RGB, serdes, RGB_DEAD_LETTERS, counters), RGB_SOURCE);
        topology.addProcessor(AUX_DECODER, decoder(FrameSource.AUX, serdes, AUX_DEAD_LETTERS, counters), AUX_SOURCE);
        topology.addProcessor(SYNC, () -> new FrameSyncProcessor(config, counters), RGB_DECODER, AUX_DECODER);
        topology.addStateStore(store(PENDING_STORE, config, PendingFrameSerde.serde()), SYNC);
        topology.addStateStore(store(FRAMES_STORE, config, stateFrameSerde()), SYNC);
        topology.addStateStore(store(DEVICES_STORE, config, DeviceState.serde()), SYNC);
        topology.addSink(
                PAIRED_SINK,
                Topics.FRAMES_PAIRED.name(),
                new StringSerializer(),
                serdes.valueSerde(Topics.FRAMES_PAIRED).serializer(),
                SYNC);
        topology.addSink(
                RGB_DEAD_LETTERS,
                Topics.FRAMES_RGB.deadLetter().name(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                RGB_DECODER);
        topology.addSink(
                AUX_DEAD_LETTERS,
                Topics.FRAMES_AUX.deadLetter().name(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                AUX_DECODER);
        return topology;
    }

    private static ProcessorSupplier<byte[], byte[], Object, Object> decoder(
            FrameSource source, AvroSerdes serdes, String deadLetterNode, SyncCounters counters) {
        Serde<SensorFrame> frames = serdes.valueSerde(source.topic());
        return () -> new FrameDecoder(source, frames.deserializer(), SYNC, deadLetterNode, counters);
    }

    /**
     * State keeps frames in Avro single-object encoding whatever the wire format: it is private to this app,
     * needs no registry round trip, and still reads frames written before a schema upgrade.
     */
    private static Serde<SensorFrame> stateFrameSerde() {
        return AvroSerdes.singleObject().avro(SensorFrame.class);
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(
            String name, FrameSyncConfig config, Serde<V> values) {
        KeyValueBytesStoreSupplier supplier =
                switch (config.store()) {
                    case IN_MEMORY -> Stores.inMemoryKeyValueStore(name);
                    case ROCKSDB -> Stores.persistentKeyValueStore(name);
                };
        // Frames wait about a commit interval, so the record cache would rarely spare a changelog write, while it
        // would hold large images in memory and make the store's contents depend on when the last commit was.
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), values).withCachingDisabled();
    }
}
