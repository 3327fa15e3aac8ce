package dev.edgevl.bench.inference;

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
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.ModelVersions;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the stream benchmarks feed the job: the student the distiller ships first (the project's built-in v0, int8,
 * signed like every version), ten labels and RGB + depth pairs of random pixels (speed does not depend on content).
 */
public final class BenchFleet {
    public static final int SIZE = 64;
    public static final int DIM = 128;
    public static final String FAMILY = "student";
    static final AvroSerdes SERDES = AvroSerdes.singleObject();

    private BenchFleet() {}

    /** The built-in initial student's int8 graph, the one {@code edgevl local} ships as v0. */
    public static byte[] productionOnnx() {
        InitialWeights initial = InitialWeights.load(InitialWeights.BUILTIN)
                .filter(InitialWeights::hasInt8)
                .orElseThrow(() -> new IllegalStateException(
                        "this build carries no built-in int8 student (" + InitialWeights.SOURCE_DIR + ")"));
        return initial.int8Onnx();
    }

    /** The production student as a signed {@code models} record, version 1 of {@link #FAMILY}. */
    public static ModelVersion model(KeyPair keys) {
        byte[] bundle = StudentBundles.int8(
                productionOnnx(),
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

    public static Map<String, float[]> labels(Random random) {
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

    /** {@code count} pairs over {@code devices} devices, sequence numbers from 0 per device. */
    public static List<FramePair> pairs(Random random, int count, int devices) {
        List<FramePair> pairs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pairs.add(pair(random, "dev-" + (i % devices), i / devices, Instant.now()));
        }
        return pairs;
    }

    /** Publishes the model record and the labels, and waits for the broker to have them. */
    public static void publish(KafkaProducer<byte[], byte[]> producer, ModelVersion model, Map<String, float[]> labels)
            throws Exception {
        producer.send(new ProducerRecord<>(
                        Topics.MODELS.name(),
                        bytes(FAMILY),
                        SERDES.valueSerde(Topics.MODELS).serializer().serialize(Topics.MODELS.name(), model)))
                .get();
        for (Map.Entry<String, float[]> l : labels.entrySet()) {
            LabelEmbedding record = LabelEmbedding.newBuilder()
                    .setLabel(l.getKey())
                    .setTeacherId("bench")
                    .setEmbedding(Embeddings.boxed(l.getValue()))
                    .setPromptTemplates(List.of("a photo of a {}"))
                    .setEmbeddedTime(Instant.now())
                    .build();
            producer.send(new ProducerRecord<>(
                            Topics.LABELS_EMBEDDED.name(),
                            bytes(l.getKey()),
                            SERDES.valueSerde(Topics.LABELS_EMBEDDED)
                                    .serializer()
                                    .serialize(Topics.LABELS_EMBEDDED.name(), record)))
                    .get();
        }
    }

    /** The template pair with a new sequence number and capture time, as the frame sync would write it. */
    public static FramePair stamped(FramePair template, long sequence, Instant capture) {
        FramePair pair = copy(template);
        restamp(pair, sequence, capture);
        return pair;
    }

    public static byte[] encode(FramePair pair) {
        return SERDES.valueSerde(Topics.FRAMES_PAIRED).serializer().serialize(Topics.FRAMES_PAIRED.name(), pair);
    }

    /** Writes the template pair to {@code frames.paired} as captured now with {@code sequence}. */
    public static void send(
            KafkaProducer<byte[], byte[]> producer, FramePair template, long sequence, Instant capture) {
        producer.send(record(stamped(template, sequence, capture), capture));
    }

    /**
     * Writes {@code own} to {@code frames.paired} with {@code sequence} and {@code capture}, set on it in place: no copy
     * of its pixels, for a writer that owns the pair (made with {@link #copy}) and uses it from one thread.
     */
    public static void sendOwned(
            KafkaProducer<byte[], byte[]> producer, FramePair own, long sequence, Instant capture, Callback done) {
        restamp(own, sequence, capture);
        producer.send(record(own, capture), done);
    }

    /** Sets {@code own}'s sequence numbers and capture and paired times in place. */
    static void restamp(FramePair own, long sequence, Instant capture) {
        for (SensorFrame frame : List.of(own.getRgb(), own.getAux())) {
            frame.put("sequence", sequence); // the generated records have no setters
            frame.put("captureTime", capture);
        }
        own.put("pairedTime", capture);
    }

    /** A copy of {@code pair} that shares nothing with it, for {@link #sendOwned}. */
    public static FramePair copy(FramePair pair) {
        return FramePair.newBuilder(pair).build();
    }

    private static ProducerRecord<byte[], byte[]> record(FramePair pair, Instant capture) {
        return new ProducerRecord<>(
                Topics.FRAMES_PAIRED.name(), null, capture.toEpochMilli(), bytes(pair.getDeviceId()), encode(pair));
    }

    static FramePair pair(Random random, String device, long sequence, Instant capture) {
        return pair(random, device, "depth0", sequence, capture);
    }

    /** A pair of random depth and RGB pixels; {@code auxSensor} names its non-RGB sensor. */
    public static FramePair pair(Random random, String device, String auxSensor, long sequence, Instant capture) {
        SensorFrame aux =
                frame(random, device, auxSensor, Modality.DEPTH, PixelEncoding.DEPTH16_MM, 2, sequence, capture);
        SensorFrame rgb = frame(random, device, "rgb0", Modality.RGB, PixelEncoding.RGB8, 3, sequence, capture);
        return FramePair.newBuilder()
                .setDeviceId(device)
                .setRgb(rgb)
                .setAux(aux)
                .setSkewMicros(0L)
                .setOrigin(PairOrigin.FRAME_SYNC)
                .setPairedTime(capture)
                .build();
    }

    private static SensorFrame frame(
            Random random,
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

    public static Annotation decodeAnnotation(byte[] value) {
        return SERDES.valueSerde(Topics.FRAMES_ANNOTATED)
                .deserializer()
                .deserialize(Topics.FRAMES_ANNOTATED.name(), value);
    }

    /**
     * A producer like frame sync's, which writes {@code frames.paired} (the job's input): no compression, 5 ms linger;
     * room for a model record. (Devices compress their frames with lz4; frame sync writes pairs uncompressed, so the job's
     * consumer decompresses nothing.)
     */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, Map.of());
    }

    /** {@link #producer(String)} with {@code overrides} on top of its settings. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(Map.of(
                "bootstrap.servers",
                bootstrap,
                "key.serializer",
                ByteArraySerializer.class,
                "value.serializer",
                ByteArraySerializer.class,
                "linger.ms",
                5,
                "max.request.size",
                8 << 20));
        props.putAll(overrides);
        return new KafkaProducer<>(props);
    }

    /**
     * A read-committed consumer of {@code topic}, assigned every partition and positioned at the end: it sees only what
     * is committed after this call (what an earlier run wrote does not count).
     */
    public static KafkaConsumer<byte[], byte[]> readerFromNow(String bootstrap, String topic, String group) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", group);
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        props.put("key.deserializer", ByteArrayDeserializer.class);
        props.put("value.deserializer", ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        c.assign(partitions);
        c.seekToEnd(partitions);
        partitions.forEach(c::position); // resolves the end now, not at the first poll
        return c;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
