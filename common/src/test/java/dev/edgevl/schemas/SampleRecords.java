package dev.edgevl.schemas;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.AnnotationStatus;
import dev.edgevl.avro.DeviceHealth;
import dev.edgevl.avro.DeviceStatus;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.FrameTruth;
import dev.edgevl.avro.LabelAction;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.LabelEvent;
import dev.edgevl.avro.LabelScore;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.ObjectTruth;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.RouteReason;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.avro.TeacherRequest;
import dev.edgevl.avro.Uncertainty;
import dev.edgevl.schemas.topics.Topic;
import dev.edgevl.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One realistic record of every type of the contract, for round-trip tests. */
public final class SampleRecords {
    public static final Instant T0 = Instant.parse("2026-11-26T12:00:00.123456Z");

    private SampleRecords() {}

    public static SensorFrame rgbFrame(String device, long sequence) {
        byte[] pixels = new byte[4 * 4 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7 + sequence);
        }
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId("rgb0")
                .setModality(Modality.RGB)
                .setCaptureTime(T0.plus(sequence * 33_333, ChronoUnit.MICROS))
                .setSequence(sequence)
                .setWidth(4)
                .setHeight(4)
                .setEncoding(PixelEncoding.RGB8)
                .setData(ByteBuffer.wrap(pixels))
                .setPublishTime(T0.plusMillis(2))
                .setAttributes(Map.of("firmware", "1.2.0"))
                .build();
    }

    public static SensorFrame depthFrame(String device, long sequence) {
        ByteBuffer pixels = ByteBuffer.allocate(4 * 4 * 2);
        for (int i = 0; i < 16; i++) {
            pixels.putShort((short) (1200 + i * 10));
        }
        pixels.flip();
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId("depth0")
                .setModality(Modality.DEPTH)
                .setCaptureTime(T0.plus(sequence * 33_333 + 4_000, ChronoUnit.MICROS))
                .setSequence(sequence)
                .setWidth(4)
                .setHeight(4)
                .setEncoding(PixelEncoding.DEPTH16_MM)
                .setData(pixels)
                .build();
    }

    public static FramePair pair(String device, long sequence) {
        return FramePair.newBuilder()
                .setDeviceId(device)
                .setRgb(rgbFrame(device, sequence))
                .setAux(depthFrame(device, sequence))
                .setSkewMicros(4_000L)
                .setOrigin(PairOrigin.FRAME_SYNC)
                .setPairedTime(T0.plusMillis(10))
                .build();
    }

    private static final Uncertainty UNCERTAINTY = Uncertainty.newBuilder()
            .setMargin(0.05f)
            .setEntropy(0.91f)
            .setModalityDisagreement(true)
            .build();

    public static Annotation annotation(String device) {
        return Annotation.newBuilder()
                .setDeviceId(device)
                .setAuxSensorId("depth0")
                .setAuxModality(Modality.DEPTH)
                .setAuxSequence(7)
                .setRgbSequence(7L)
                .setCaptureTime(T0)
                .setStatus(AnnotationStatus.OK)
                .setEmbedding(List.of(0.6f, 0.8f))
                .setRgbEmbedding(List.of(0.8f, 0.6f))
                .setTopK(List.of(new LabelScore("cube", 0.52f, 0.31f), new LabelScore("pyramid", 0.47f, 0.29f)))
                .setRgbTopK(List.of(new LabelScore("pyramid", 0.7f, null)))
                .setUncertainty(UNCERTAINTY)
                .setRoutedToTeacher(true)
                .setRouteReasons(List.of(RouteReason.LOW_MARGIN, RouteReason.MODALITY_DISAGREEMENT))
                .setModelFamily("student")
                .setModelVersion(3L)
                .setLabelSetVersion("ab12")
                .setIngestTime(T0.plusMillis(3))
                .setAnnotatedTime(T0.plusMillis(40))
                .setInferenceMicros(900L)
                .build();
    }

    public static TeacherRequest teacherRequest(String device) {
        return TeacherRequest.newBuilder()
                .setPair(pair(device, 7))
                .setReasons(List.of(RouteReason.HIGH_ENTROPY))
                .setUncertainty(UNCERTAINTY)
                .setStudentTop1("cube")
                .setModelVersion(3L)
                .setRequestTime(T0.plusMillis(41))
                .build();
    }

    public static TeacherEmbedding teacherEmbedding(String device) {
        return TeacherEmbedding.newBuilder()
                .setPair(pair(device, 7))
                .setTeacherId("synthetic-clip@1")
                .setSourceModality(Modality.RGB)
                .setEmbedding(List.of(0.0f, 1.0f))
                .setReasons(List.of(RouteReason.EXPLORATION))
                .setRequestTime(T0.plusMillis(41))
                .setEmbeddedTime(T0.plusMillis(90))
                .build();
    }

    public static LabelEvent labelEvent(String label) {
        return LabelEvent.newBuilder()
                .setLabel(label)
                .setAction(LabelAction.ADD)
                .setPromptTemplates(List.of("a photo of a {}."))
                .setEventTime(T0.truncatedTo(ChronoUnit.MILLIS))
                .setAuthor("ops")
                .build();
    }

    public static LabelEmbedding labelEmbedding(String label) {
        return LabelEmbedding.newBuilder()
                .setLabel(label)
                .setTeacherId("synthetic-clip@1")
                .setEmbedding(List.of(1.0f, 0.0f))
                .setPromptTemplates(List.of("a photo of a {}."))
                .setEmbeddedTime(T0.truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    public static ModelVersion modelVersion(String family) {
        return ModelVersion.newBuilder()
                .setFamily(family)
                .setVersion(4)
                .setParentVersion(3L)
                .setTeacherId("synthetic-clip@1")
                .setEmbeddingDim(2)
                .setInputWidth(64)
                .setInputHeight(64)
                .setLabelSetHash("ab12")
                .setSha256("00ff".repeat(16))
                .setSignature(ByteBuffer.wrap(new byte[64]))
                .setSigningKeyId("0123456789abcdef")
                .setBundle(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setBundleSizeBytes(3)
                .setMetrics(Map.of("gate.nonRgbAgreement", 0.71))
                .setCreatedTime(T0.truncatedTo(ChronoUnit.MILLIS))
                .setPublishedTime(T0.truncatedTo(ChronoUnit.MILLIS).plusSeconds(1))
                .build();
    }

    public static DeviceStatus deviceStatus(String device) {
        return DeviceStatus.newBuilder()
                .setDeviceId(device)
                .setHealth(DeviceHealth.OK)
                .setModelFamily("student")
                .setModelVersion(4L)
                .setLastSwapTime(T0.truncatedTo(ChronoUnit.MILLIS))
                .setFramesAnnotated(1234)
                .setLastError(null)
                .setReportTime(T0.truncatedTo(ChronoUnit.MILLIS).plusSeconds(5))
                .build();
    }

    public static FrameTruth frameTruth(String device) {
        ObjectTruth cube = ObjectTruth.newBuilder()
                .setShape("cube")
                .setColour("red")
                .setSize("small")
                .setMaterial("matte")
                .setPrimary(true)
                .setPosition(List.of(0.1f, 0.05f, 1.2f))
                .setRotationDeg(List.of(30f, 0f, 0f))
                .setTemperatureK(295.1f)
                .build();
        return FrameTruth.newBuilder()
                .setDeviceId(device)
                .setSensorId("depth0")
                .setSequence(7)
                .setCaptureTime(T0.plusMillis(4))
                .setTrueTime(T0)
                .setSceneId(99)
                .setObjects(List.of(cube))
                .setCaption("a small red cube on a grey floor")
                .setConditions(List.of("night"))
                .build();
    }

    /** A sample value for a topic of the catalogue, keyed as the topic is. */
    public static SpecificRecord valueFor(Topic<String, ?> topic, String key) {
        Class<?> type = topic.valueType();
        if (type == SensorFrame.class) {
            return topic == Topics.FRAMES_RGB ? rgbFrame(key, 1) : depthFrame(key, 1);
        }
        if (type == FramePair.class) {
            return pair(key, 1);
        }
        if (type == Annotation.class) {
            return annotation(key);
        }
        if (type == TeacherRequest.class) {
            return teacherRequest(key);
        }
        if (type == TeacherEmbedding.class) {
            return teacherEmbedding(key);
        }
        if (type == LabelEvent.class) {
            return labelEvent(key);
        }
        if (type == LabelEmbedding.class) {
            return labelEmbedding(key);
        }
        if (type == ModelVersion.class) {
            return modelVersion(key);
        }
        if (type == DeviceStatus.class) {
            return deviceStatus(key);
        }
        if (type == FrameTruth.class) {
            return frameTruth(key);
        }
        throw new IllegalArgumentException("No sample for " + type);
    }

    /** One sample of every record type. */
    public static List<SpecificRecord> all() {
        return List.of(
                rgbFrame("dev-1", 1),
                pair("dev-1", 1),
                annotation("dev-1"),
                teacherRequest("dev-1"),
                teacherEmbedding("dev-1"),
                labelEvent("cube"),
                labelEmbedding("cube"),
                modelVersion("student"),
                deviceStatus("dev-1"),
                frameTruth("dev-1"));
    }
}
