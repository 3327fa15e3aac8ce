package dev.edgevl.bench.inference;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.edgevl.avro.Annotation;
import dev.edgevl.avro.FramePair;
import dev.edgevl.inference.AnnotationRecords;
import dev.edgevl.inference.BatchInference;
import dev.edgevl.inference.KafkaBytes;
import dev.edgevl.inference.KafkaBytesDeserializer;
import dev.edgevl.inference.Outgoing;
import dev.edgevl.inference.OutgoingSerializer;
import dev.edgevl.inference.PendingFrame;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.zeroshot.Classification;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.UncertaintyCalculator;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import dev.edgevl.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The comparison the batched operator is held against: the way DJL-on-Flink examples run a model — a {@code map} that
 * owns a DJL {@link Predictor} (here on DJL's ONNX Runtime engine, the same int8 graph and thread count) and calls it
 * once per image. Per record it does the job's work: decode, preprocess, the two images through the model, zero-shot
 * labels and uncertainty, the annotation encoded; source and exactly-once sink as the job's. It does not route to the
 * teacher (that needs the job's keyed budget, and costs little).
 */
final class DjlPerRecordJob {
    static final String NAME = "djl per-record predictor";

    private DjlPerRecordJob() {}

    static void build(
            StreamExecutionEnvironment env,
            String bootstrap,
            byte[] onnx,
            Map<String, float[]> labels,
            int threads,
            long checkpointMillis,
            String outputTopic,
            String id) {
        env.enableCheckpointing(checkpointMillis, CheckpointingMode.EXACTLY_ONCE);
        KafkaSource<KafkaBytes> source = KafkaSource.<KafkaBytes>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(Topics.FRAMES_PAIRED.name())
                .setGroupId(id)
                .setProperty("isolation.level", "read_committed")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new KafkaBytesDeserializer())
                .build();
        Properties producer = new Properties();
        producer.put("transaction.timeout.ms", "300000");
        KafkaSink<Outgoing> sink = KafkaSink.<Outgoing>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new OutgoingSerializer(outputTopic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(id)
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "frames.paired")
                .map(new Annotate(onnx, labels, threads, outputTopic))
                .name("djl-predictor")
                .sinkTo(sink);
    }

    /** One DJL predictor per parallel instance, called once per image. */
    static final class Annotate extends RichMapFunction<KafkaBytes, Outgoing> {
        private static final long serialVersionUID = 1L;
        private final byte[] onnx;
        private final Map<String, float[]> labelVectors;
        private final int threads;
        private final String outputTopic;
        private transient Path dir;
        private transient ZooModel<float[], float[]> model;
        private transient Predictor<float[], float[]> predictor;
        private transient LabelSet labels;
        private transient InputSpec spec;
        private transient Deserializer<FramePair> pairs;
        private transient Serializer<Annotation> annotations;

        Annotate(byte[] onnx, Map<String, float[]> labels, int threads, String outputTopic) {
            this.outputTopic = outputTopic;
            this.onnx = onnx.clone();
            this.labelVectors = new LinkedHashMap<>(labels);
            this.threads = threads;
        }

        @Override
        public void open(OpenContext context) throws Exception {
            dir = Files.createTempDirectory("edgevl-djl-bench");
            Files.write(dir.resolve("student.onnx"), onnx);
            Criteria<float[], float[]> criteria = Criteria.builder()
                    .setTypes(float[].class, float[].class)
                    .optModelPath(dir)
                    .optModelName("student")
                    .optEngine("OnnxRuntime")
                    .optOption("intraOpNumThreads", Integer.toString(threads))
                    .optOption("interOpNumThreads", "1")
                    .optOption("optLevel", "ALL_OPT")
                    .optTranslator(new ImageTranslator(BenchFleet.SIZE))
                    .build();
            model = criteria.loadModel();
            predictor = model.newPredictor();
            labels = LabelSet.of(labelVectors);
            spec = StudentBundles.inputSpec(StudentBundles.input(BenchFleet.SIZE));
            pairs = BenchFleet.SERDES.valueSerde(Topics.FRAMES_PAIRED).deserializer();
            annotations = BenchFleet.SERDES.valueSerde(Topics.FRAMES_ANNOTATED).serializer();
        }

        @Override
        public Outgoing map(KafkaBytes record) throws Exception {
            FramePair pair = pairs.deserialize(record.topic, record.value);
            PendingFrame frame = PendingFrame.prepare(pair.getDeviceId(), pair, spec, record.timestamp);
            long start = System.nanoTime();
            float[] aux = predictor.predict(frame.aux());
            float[] rgb = predictor.predict(frame.rgb());
            long micros = (System.nanoTime() - start) / 1_000;
            Classification auxLabels =
                    ZeroShotClassifier.classify(aux, labels, ZeroShotClassifier.DEFAULT_TEMPERATURE, 3);
            Classification rgbLabels =
                    ZeroShotClassifier.classify(rgb, labels, ZeroShotClassifier.DEFAULT_TEMPERATURE, 3);
            BatchInference.Scored scored = new BatchInference.Scored(
                    frame, aux, rgb, auxLabels, rgbLabels, UncertaintyCalculator.of(auxLabels, rgbLabels));
            Annotation a = AnnotationRecords.annotation(
                    frame, scored, BenchFleet.FAMILY, 1L, labels.version(), Set.of(), false, Instant.now(), micros);
            return new Outgoing(
                    outputTopic,
                    record.key,
                    annotations.serialize(Topics.FRAMES_ANNOTATED.name(), a),
                    pair.getAux().getCaptureTime().toEpochMilli(),
                    null);
        }

        @Override
        public void close() throws Exception {
            if (predictor != null) {
                predictor.close();
            }
            if (model != null) {
                model.close();
            }
            if (dir != null) {
                Files.deleteIfExists(dir.resolve("student.onnx"));
                Files.deleteIfExists(dir);
            }
        }
    }

    /** A preprocessed CHW image in, its embedding out; one image per call. */
    private record ImageTranslator(int size) implements NoBatchifyTranslator<float[], float[]> {
        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            return new NDList(ctx.getNDManager().create(input, new Shape(1, 3, size, size)));
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            return list.singletonOrThrow().toFloatArray();
        }
    }
}
