package dev.edgevl.bench.cluster;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.distill.InitialWeights;
import dev.edgevl.model.bundle.BundleDelivery;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.ModelVersions;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the cluster benchmark and its integration test put on the broker, as the inference benchmark does: the built-in
 * initial student (int8, 64×64 input, 128-d embedding) signed with a key of the run's own, ten label embeddings, RGB +
 * depth pairs of random pixels (speed does not depend on content); and the read-committed reader of
 * {@code frames.annotated}.
 */
final class ClusterWorld {
    static final int SIZE = 64;
    static final int DIM = 128;
    static final String FAMILY = "student";
    static final AvroSerdes SERDES = AvroSerdes.singleObject();

    final KeyPair keys = Keys.generate();
    private final Random random;

    ClusterWorld(long seed) {
        this.random = new Random(seed);
    }

    /** Writes the public key as PEM: the job's {@code inference.trusted-keys}. */
    Path writePublicKey(Path file) throws IOException {
        Files.writeString(file, Keys.toPem(keys.getPublic()));
        return file;
    }

    /** Publishes a signed model (version 1 of {@link #FAMILY}) and ten labels, and waits until the broker has them. */
    void publishModelAndLabels(KafkaProducer<byte[], byte[]> producer) throws InterruptedException, ExecutionException {
        ModelVersion model = model();
        producer.send(new ProducerRecord<>(
                        Topics.MODELS.name(),
                        bytes(FAMILY),
                        SERDES.valueSerde(Topics.MODELS).serializer().serialize(Topics.MODELS.name(), model)))
                .get();
        for (Map.Entry<String, float[]> l : labels().entrySet()) {
            producer.send(new ProducerRecord<>(
                            Topics.LABELS_EMBEDDED.name(), bytes(l.getKey()), label(l.getKey(), l.getValue())))
                    .get();
        }
    }

    /** The built-in initial student (int8, what {@code edgevl local} ships as v0), signed: version 1. */
    private ModelVersion model() {
        byte[] onnx = InitialWeights.load(InitialWeights.BUILTIN)
                .filter(InitialWeights::hasInt8)
                .orElseThrow(() -> new IllegalStateException(
                        "this build carries no built-in int8 student (" + InitialWeights.SOURCE_DIR + ")"))
                .int8Onnx();
        byte[] bundle = StudentBundles.int8(
                onnx,
                SIZE,
                DIM,
                BundleManifest.builder()
                        .family(FAMILY)
                        .version(1)
                        .createdAt(Instant.now())
                        .teacherId("bench"));
        SignedBundle signed = BundleSigner.of(keys).sign(bundle);
        return ModelVersions.toRecord(signed, ModelBundle.parse(bundle), new BundleDelivery.Inline(), Instant.now());
    }

    private Map<String, float[]> labels() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int l = 0; l < 10; l++) {
            float[] v = new float[DIM];
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) random.nextGaussian();
            }
            out.put("label-" + l, Embeddings.l2Normalize(v));
        }
        return out;
    }

    private static byte[] label(String name, float[] v) {
        LabelEmbedding l = LabelEmbedding.newBuilder()
                .setLabel(name)
                .setTeacherId("bench")
                .setEmbedding(Embeddings.boxed(v))
                .setPromptTemplates(List.of("a photo of a {}"))
                .setEmbeddedTime(Instant.now())
                .build();
        return SERDES.valueSerde(Topics.LABELS_EMBEDDED).serializer().serialize(Topics.LABELS_EMBEDDED.name(), l);
    }

    /** A pair of random depth and RGB pixels; {@code auxSensor} names its non-RGB sensor. */
    FramePair pair(String device, String auxSensor, long sequence, Instant capture) {
        SensorFrame aux = frame(device, auxSensor, Modality.DEPTH, PixelEncoding.DEPTH16_MM, 2, sequence, capture);
        SensorFrame rgb = frame(device, "rgb0", Modality.RGB, PixelEncoding.RGB8, 3, sequence, capture);
        return FramePair.newBuilder()
                .setDeviceId(device)
                .setRgb(rgb)
                .setAux(aux)
                .setSkewMicros(0L)
                .setOrigin(PairOrigin.FRAME_SYNC)
                .setPairedTime(capture)
                .build();
    }

    /** {@code template} once more with sequence {@code sequence} and capture time {@code capture}, sent keyed by device. */
    static void send(KafkaProducer<byte[], byte[]> producer, FramePair template, long sequence, Instant capture) {
        SensorFrame aux = SensorFrame.newBuilder(template.getAux())
                .setSequence(sequence)
                .setCaptureTime(capture)
                .build();
        SensorFrame rgb = SensorFrame.newBuilder(template.getRgb())
                .setSequence(sequence)
                .setCaptureTime(capture)
                .build();
        FramePair p = FramePair.newBuilder(template)
                .setAux(aux)
                .setRgb(rgb)
                .setPairedTime(capture)
                .build();
        producer.send(new ProducerRecord<>(
                Topics.FRAMES_PAIRED.name(),
                null,
                capture.toEpochMilli(),
                bytes(p.getDeviceId()),
                SERDES.valueSerde(Topics.FRAMES_PAIRED).serializer().serialize(Topics.FRAMES_PAIRED.name(), p)));
    }

    private SensorFrame frame(
            String device,
            String sensor,
            Modality modality,
            PixelEncoding encoding,
            int bpp,
            long sequence,
            Instant capture) {
        byte[] data = new byte[SIZE * SIZE * bpp];
        random.nextBytes(data);
        return SensorFrame.newBuilder()
                .setDeviceId(device)
                .setSensorId(sensor)
                .setModality(modality)
                .setCaptureTime(capture)
                .setSequence(sequence)
                .setWidth(SIZE)
                .setHeight(SIZE)
                .setEncoding(encoding)
                .setData(ByteBuffer.wrap(data))
                .build();
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                "bootstrap.servers",
                bootstrap,
                "key.serializer",
                ByteArraySerializer.class,
                "value.serializer",
                ByteArraySerializer.class,
                "linger.ms",
                5,
                "max.request.size",
                8 << 20,
                "compression.type",
                "lz4"));
    }

    /**
     * A read-committed consumer of {@code frames.annotated}, assigned every partition and positioned at the end: it
     * sees only what is committed after this call (a job run before it does not count).
     */
    static KafkaConsumer<byte[], byte[]> annotationsFromNow(String bootstrap, String group) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", group);
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        props.put("key.deserializer", ByteArrayDeserializer.class);
        props.put("value.deserializer", ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props);
        List<TopicPartition> partitions =
                c.partitionsFor(Topics.FRAMES_ANNOTATED.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        c.assign(partitions);
        c.seekToEnd(partitions);
        partitions.forEach(c::position); // resolves the end now, not at the first poll
        return c;
    }

    static Annotation decode(ConsumerRecord<byte[], byte[]> record) {
        return SERDES.valueSerde(Topics.FRAMES_ANNOTATED).deserializer().deserialize(record.topic(), record.value());
    }

    /** The pair an annotation is about: device, non-RGB sensor and sequence. */
    static String id(Annotation a) {
        return a.getDeviceId() + "/" + a.getAuxSensorId() + "/" + a.getAuxSequence();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
