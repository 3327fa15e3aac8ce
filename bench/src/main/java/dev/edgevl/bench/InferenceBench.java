package dev.edgevl.bench;

import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.PairOrigin;
import dev.edgevl.avro.PixelEncoding;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.config.Settings;
import dev.edgevl.inference.BatchInference;
import dev.edgevl.inference.LocalFlink;
import dev.edgevl.inference.PendingFrame;
import dev.edgevl.inference.StreamInferenceJob;
import dev.edgevl.kafka.embedded.EmbeddedKafka;
import dev.edgevl.model.bundle.BundleDelivery;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleSigner;
import dev.edgevl.model.bundle.BundleVerifier;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.bundle.ModelBundle;
import dev.edgevl.model.bundle.ModelVersions;
import dev.edgevl.model.bundle.SignedBundle;
import dev.edgevl.model.bundle.TrustedKeys;
import dev.edgevl.model.onnx.Calibration;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.student.StudentFolding;
import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.train.DistillConfig;
import dev.edgevl.model.train.DistillationTrainer;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.schemas.serde.AvroSerdes;
import dev.edgevl.schemas.topics.TopicInstaller;
import dev.edgevl.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The stream job against the bare student, in one run on this machine (the targets are in docs/targets.md):
 * <ol>
 *   <li>bare batched student: preprocessing, two model calls per batch of 32 (non-RGB, RGB) and zero-shot labels, in a loop;</li>
 *   <li>the same per record (batch 1) — what an operator calling its predictor once per frame would get;</li>
 *   <li>the job end to end on an embedded broker and MiniCluster (parallelism 1): a backlog of pairs through
 *       source → annotate → exactly-once sink, timed from the first committed annotation to the last;</li>
 *   <li>capture→annotation latency (the annotation's own timestamps) with frames produced live at half the job's rate.</li>
 * </ol>
 * Random pixels: speed does not depend on content.
 */
public final class InferenceBench {
    private static final int SIZE = 64;
    private static final int DIM = 128;
    private static final int DEVICES = 8;
    private static final String FAMILY = "student";
    private static final AvroSerdes SERDES = AvroSerdes.singleObject();

    private InferenceBench() {}

    public static BenchResult run(int backlog, double seconds, Consumer<String> log) throws Exception {
        Random random = new Random(1);
        KeyPair keys = Keys.generate();
        ModelVersion model = model(keys, random);
        Map<String, float[]> labelVectors = labels(random);
        List<FramePair> pairs = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            pairs.add(pair(random, "dev-" + (i % DEVICES), i / DEVICES, Instant.now()));
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        try (LiveModel live = LiveModel.load(model, new BundleVerifier(TrustedKeys.of(keys.getPublic())), cores)) {
            LabelSet labels = LabelSet.of(labelVectors);
            log.accept(String.format("Bare student, batches of 32 and of 1, %.0f s each...", seconds));
            figures.put("bareBatchedFramesPerSecond", bare(live, labels, pairs, 32, seconds));
            figures.put("barePerRecordFramesPerSecond", bare(live, labels, pairs, 1, seconds));
        }
        figures.put(
                "batchedOverPerRecord",
                figures.get("bareBatchedFramesPerSecond") / figures.get("barePerRecordFramesPerSecond"));

        Path keyFile = Files.createTempFile("edgevl-bench-key", ".pub.pem");
        Files.writeString(keyFile, Keys.toPem(keys.getPublic()));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
            TopicInstaller.ensureCatalogue(kafka.bootstrapServers());
            producer.send(new ProducerRecord<>(
                            Topics.MODELS.name(),
                            bytes(FAMILY),
                            SERDES.valueSerde(Topics.MODELS).serializer().serialize(Topics.MODELS.name(), model)))
                    .get();
            for (Map.Entry<String, float[]> l : labelVectors.entrySet()) {
                producer.send(new ProducerRecord<>(
                                Topics.LABELS_EMBEDDED.name(), bytes(l.getKey()), label(l.getKey(), l.getValue())))
                        .get();
            }
            log.accept(
                    String.format("Job end to end: %,d pairs through the embedded broker and MiniCluster...", backlog));
            for (int i = 0; i < backlog; i++) {
                send(producer, pairs.get(i % pairs.size()), i, Instant.now());
            }
            producer.flush();
            Settings settings = Settings.of(Map.of(
                    "inference.trusted-keys",
                    keyFile.toString(),
                    "inference.parallelism",
                    "1",
                    "inference.checkpoint.interval",
                    "500ms",
                    "inference.engine.threads",
                    Integer.toString(cores)));
            try (LocalFlink flink = LocalFlink.start(1, 1);
                    KafkaConsumer<byte[], byte[]> annotations = consumer(kafka.bootstrapServers())) {
                StreamExecutionEnvironment env = LocalFlink.environment(1, 0, Duration.ofSeconds(1));
                StreamInferenceJob.build(env, settings, kafka.bootstrapServers());
                JobID job = flink.submit(env, StreamInferenceJob.NAME);
                double jobRate = drain(annotations, backlog, Duration.ofMinutes(5));
                figures.put("jobFramesPerSecond", jobRate);
                figures.put("jobOverBare", jobRate / figures.get("bareBatchedFramesPerSecond"));

                double rate = jobRate / 2;
                log.accept(String.format(
                        "Latency: frames produced live at %.0f/s (half the job's rate) for %.0f s...", rate, seconds));
                double[] latencies = live(producer, annotations, pairs, rate, seconds, backlog);
                figures.put("latencyRateFramesPerSecond", rate);
                figures.put("latencyP50Millis", percentile(latencies, 0.50));
                figures.put("latencyP99Millis", percentile(latencies, 0.99));
                flink.cancel(job);
            }
        } finally {
            Files.deleteIfExists(keyFile);
        }
        String sentence = String.format(
                "bare student %.0f frames/s batched (32) vs %.0f per record (%.1fx); the job end to end %.0f frames/s "
                        + "(%.2f of bare); capture->annotation at %.0f frames/s: p50 %.0f ms, p99 %.0f ms",
                figures.get("bareBatchedFramesPerSecond"),
                figures.get("barePerRecordFramesPerSecond"),
                figures.get("batchedOverPerRecord"),
                figures.get("jobFramesPerSecond"),
                figures.get("jobOverBare"),
                figures.get("latencyRateFramesPerSecond"),
                figures.get("latencyP50Millis"),
                figures.get("latencyP99Millis"));
        return new BenchResult("inference", sentence, figures);
    }

    private static double bare(LiveModel live, LabelSet labels, List<FramePair> pairs, int batch, double seconds) {
        long start = System.nanoTime();
        long frames = 0;
        int next = 0;
        while ((System.nanoTime() - start) / 1e9 < seconds) {
            List<PendingFrame> frameBatch = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                FramePair p = pairs.get(next++ % pairs.size());
                frameBatch.add(PendingFrame.prepare(p.getDeviceId(), p, live.spec(), 0));
            }
            BatchInference.run(frameBatch, live, labels, 3, 0.01);
            frames += batch;
        }
        return frames / ((System.nanoTime() - start) / 1e9);
    }

    /** Reads annotations until {@code count} have arrived; the rate from the first poll that returned some to the last. */
    private static double drain(KafkaConsumer<byte[], byte[]> consumer, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long first = 0;
        int firstBatch = 0;
        int seen = 0;
        while (seen < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + seen + " of " + count + " annotations arrived within " + timeout);
            }
            int n = consumer.poll(Duration.ofMillis(100)).count();
            if (n > 0 && first == 0) {
                first = System.nanoTime();
                firstBatch = n;
            }
            seen += n;
        }
        return (seen - firstBatch) / ((System.nanoTime() - first) / 1e9);
    }

    private static double[] live(
            KafkaProducer<byte[], byte[]> producer,
            KafkaConsumer<byte[], byte[]> consumer,
            List<FramePair> pairs,
            double rate,
            double seconds,
            int offset) {
        long start = System.nanoTime();
        long sent = 0;
        List<Double> latencies = new ArrayList<>();
        var decode = SERDES.valueSerde(Topics.FRAMES_ANNOTATED).deserializer();
        while ((System.nanoTime() - start) / 1e9 < seconds) {
            long due = (long) (rate * (System.nanoTime() - start) / 1e9);
            while (sent < due) {
                send(producer, pairs.get((int) (sent % pairs.size())), offset + (int) sent, Instant.now());
                sent++;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                Annotation a = decode.deserialize(r.topic(), r.value());
                latencies.add(Duration.between(a.getCaptureTime(), a.getAnnotatedTime())
                                .toNanos()
                        / 1e6);
            }
        }
        return latencies.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, FramePair template, int sequence, Instant capture) {
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

    private static ModelVersion model(KeyPair keys, Random random) {
        StudentSpec spec = StudentSpec.standard(SIZE, DIM);
        FoldedStudent folded;
        try (DistillationTrainer trainer =
                new DistillationTrainer(StudentNetwork.build(spec), SIZE, DistillConfig.defaults(1))) {
            folded = StudentFolding.fold(trainer.model().getBlock(), spec);
        }
        float[] calibration = new float[16 * 3 * SIZE * SIZE];
        for (int i = 0; i < calibration.length; i++) {
            calibration[i] = (float) random.nextGaussian();
        }
        byte[] bundle = StudentBundles.int8(
                Calibration.calibrate(folded, calibration, 16),
                BundleManifest.builder()
                        .family(FAMILY)
                        .version(1)
                        .createdAt(Instant.now())
                        .teacherId("bench"));
        SignedBundle signed = BundleSigner.of(keys).sign(bundle);
        return ModelVersions.toRecord(signed, ModelBundle.parse(bundle), new BundleDelivery.Inline(), Instant.now());
    }

    private static Map<String, float[]> labels(Random random) {
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

    private static FramePair pair(Random random, String device, long sequence, Instant capture) {
        SensorFrame aux =
                frame(random, device, "depth0", Modality.DEPTH, PixelEncoding.DEPTH16_MM, 2, sequence, capture);
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

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
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

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "inference-bench");
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        props.put("key.deserializer", ByteArrayDeserializer.class);
        props.put("value.deserializer", ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props);
        c.subscribe(List.of(Topics.FRAMES_ANNOTATED.name()));
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
