package dev.edgevl.schemas.topics;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.avro.TeacherRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one catalogue of topics (docs/contract.md). Every service names topics through these constants, and
 * {@code edgevl topics create} makes exactly these, each with its dead-letter topic.
 */
public final class Topics {
    /** Frame topics are the bulk of the traffic: enough partitions to spread devices over consumers. */
    private static final int FRAME_PARTITIONS = 6;
    /** A model bundle travels inline in the models topic; int8 students are a few MB at most. */
    public static final int MAX_MODEL_MESSAGE_BYTES = 16 * 1024 * 1024;

    public static final Topic<String, SensorFrame> FRAMES_RGB = Topic.of(
                    "frames.rgb", String.class, SensorFrame.class, "RGB frames from devices, keyed by deviceId.")
            .withPartitions(FRAME_PARTITIONS)
            .withRetention(Duration.ofDays(1));

    public static final Topic<String, SensorFrame> FRAMES_AUX = Topic.of(
                    "frames.aux",
                    String.class,
                    SensorFrame.class,
                    "Non-RGB frames (depth, thermal, NIR) from devices, keyed by deviceId.")
            .withPartitions(FRAME_PARTITIONS)
            .withRetention(Duration.ofDays(1));

    public static final Topic<String, FramePair> FRAMES_PAIRED = Topic.of(
                    "frames.paired",
                    String.class,
                    FramePair.class,
                    "An RGB and a non-RGB frame of one device, close in time, keyed by deviceId.")
            .withPartitions(FRAME_PARTITIONS)
            .withRetention(Duration.ofDays(1));

    /**
     * Written by the job's transactional sink. Read {@code read_committed}, each annotation appears once, at the
     * checkpoint that commits it; read {@code read_uncommitted}, it appears as soon as the job has sent it, at least
     * once: after a job failure the replay sends some again, and the {@code edgevl.pair} header (deviceId/auxSensorId/
     * auxSequence, also in the record) is the dedupe key.
     */
    public static final Topic<String, Annotation> FRAMES_ANNOTATED = Topic.of(
                    "frames.annotated",
                    String.class,
                    Annotation.class,
                    "The live student's embedding, labels and uncertainty for every pair, keyed by deviceId.")
            .withPartitions(FRAME_PARTITIONS)
            .withRetention(Duration.ofDays(3));

    public static final Topic<String, TeacherRequest> TEACHER_REQUESTS = Topic.of(
                    "teacher.requests",
                    String.class,
                    TeacherRequest.class,
                    "Pairs the student was unsure about (within budget), for the teacher, keyed by deviceId.")
            .withPartitions(3)
            .withRetention(Duration.ofDays(3));

    /** The distiller rebuilds its replay buffer from here after a restart, so it keeps two weeks. */
    public static final Topic<String, TeacherEmbedding> TEACHER_EMBEDDINGS = Topic.of(
                    "teacher.embeddings",
                    String.class,
                    TeacherEmbedding.class,
                    "The teacher's image embedding of each routed pair, keyed by deviceId.")
            .withPartitions(3)
            .withRetention(Duration.ofDays(14));

    public static final Topic<String, LabelEvent> LABELS = Topic.of(
                    "labels",
                    String.class,
                    LabelEvent.class,
                    "Label vocabulary changes (ADD/REMOVE with prompt templates), keyed by label.")
            .compacted();

    public static final Topic<String, LabelEmbedding> LABELS_EMBEDDED = Topic.of(
                    "labels.embedded",
                    String.class,
                    LabelEmbedding.class,
                    "The teacher's text embedding of each live label, keyed by label; removals are tombstones.")
            .compacted();

    public static final Topic<String, ModelVersion> MODELS = Topic.of(
                    "models",
                    String.class,
                    ModelVersion.class,
                    "The live signed student bundle of each model family, keyed by family.")
            .compacted()
            .withConfig(Topic.MAX_MESSAGE_BYTES, Integer.toString(MAX_MODEL_MESSAGE_BYTES));

    public static final Topic<String, DeviceStatus> FLEET_STATUS = Topic.of(
                    "fleet.status",
                    String.class,
                    DeviceStatus.class,
                    "Each device agent's report: model version, health, last swap, keyed by deviceId.")
            .withPartitions(3)
            .withRetention(Duration.ofDays(7));

    /**
     * The simulator's ground truth, apart from the frames so that no training code can read it by
     * accident: only evaluators subscribe to it.
     */
    public static final Topic<String, FrameTruth> SIM_TRUTH = Topic.of(
                    "sim.truth",
                    String.class,
                    FrameTruth.class,
                    "Ground truth of simulated frames (objects, caption), keyed by deviceId; for evaluators only, never for training.")
            .withPartitions(FRAME_PARTITIONS)
            .withRetention(Duration.ofDays(1));

    public static final List<Topic<String, ?>> ALL = List.of(
            FRAMES_RGB,
            FRAMES_AUX,
            FRAMES_PAIRED,
            FRAMES_ANNOTATED,
            TEACHER_REQUESTS,
            TEACHER_EMBEDDINGS,
            LABELS,
            LABELS_EMBEDDED,
            MODELS,
            FLEET_STATUS,
            SIM_TRUTH);

    private Topics() {}

    /** Every topic to create on a cluster: the catalogue and each one's dead-letter topic. */
    public static List<Topic<?, ?>> withDeadLetters() {
        List<Topic<?, ?>> all = new ArrayList<>(ALL);
        ALL.forEach(topic -> all.add(topic.deadLetter()));
        return all;
    }

    public static Optional<Topic<String, ?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
