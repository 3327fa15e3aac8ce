package dev.edgevl.inference;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.KafkaSettings;
import dev.edgevl.config.Settings;
import dev.edgevl.schemas.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The stream-inference job: {@code frames.paired} → annotate (each instance reading {@code models} and
 * {@code labels.embedded} itself) → {@code frames.annotated}, {@code teacher.requests} and {@code frames.paired.dlq},
 * exactly once through one transactional sink. Each record is sent as soon as its batch is annotated and committed at
 * the next checkpoint, so a {@code read_uncommitted} consumer sees annotations at once (at least once) and a
 * {@code read_committed} one at the commit (exactly once). Source, operator and sink form one chain per parallel
 * instance.
 *
 * <p>{@link #build} adds it to any environment (the {@code edgevl} command runs it on an embedded MiniCluster);
 * {@link #main} is the entry point of the job jar on a Flink cluster.
 */
public final class StreamInferenceJob {
    public static final String NAME = "edgevl stream-inference";
    static final String ANNOTATE_UID = "annotate";
    private static final Duration SOURCE_IDLENESS = Duration.ofSeconds(5);
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(5);

    private StreamInferenceJob() {}

    /**
     * Adds the job to {@code env}: checkpointing, sources, the annotating operator and the sink.
     *
     * @param settings  everything the job reads: {@code inference.*}, {@code kafka.*} pass-through, serde and registry
     * @param bootstrap the Kafka bootstrap servers; null to take {@code kafka.bootstrap.servers} from the settings
     */
    public static void build(StreamExecutionEnvironment env, Settings settings, String bootstrap) {
        InferenceConfig config = InferenceConfig.from(settings);
        Map<String, Object> client = KafkaSettings.clientProperties(settings, bootstrap);
        String servers = String.valueOf(client.get("bootstrap.servers"));
        List<String> keys = readKeys(config.trustedKeyFiles());

        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getConfig().enableObjectReuse(); // every operator makes new records; chained operators need no copies
        int parallelism = config.parallelism() > 0 ? config.parallelism() : env.getParallelism();

        KafkaSource<KafkaBytes> frameSource = KafkaSource.<KafkaBytes>builder()
                .setBootstrapServers(servers)
                .setProperties(consumerProperties(client))
                .setTopics(Topics.FRAMES_PAIRED.name())
                .setGroupId(config.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaBytesDeserializer())
                .build();
        WatermarkStrategy<KafkaBytes> eventTime = WatermarkStrategy.<KafkaBytes>forBoundedOutOfOrderness(
                        config.outOfOrderness())
                .withTimestampAssigner((record, previous) -> record.timestamp)
                .withIdleness(SOURCE_IDLENESS);
        DataStream<KafkaBytes> frames = env.fromSource(frameSource, eventTime, "frames.paired")
                .uid("frames-source")
                .setParallelism(parallelism);

        // Every annotating instance reads the two compacted control topics itself (the newest model record per family,
        // every live label), so the operator has one input and runs in the source's task: no shuffle of the frames.
        ControlFeed.Factory controlFeed =
                KafkaControlFeed.Factory.of(client, Topics.MODELS.name(), Topics.LABELS_EMBEDDED.name());
        Map<String, String> flat = new LinkedHashMap<>(settings.withPrefix(""));
        SingleOutputStreamOperator<Outgoing> out = frames.transform(
                        "annotate",
                        TypeInformation.of(Outgoing.class),
                        new AnnotateOperator(config, flat, keys, controlFeed))
                .uid(ANNOTATE_UID)
                .setParallelism(parallelism);

        Properties producer = new Properties();
        producer.putAll(client);
        producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TRANSACTION_TIMEOUT.toMillis()));
        // No compression unless kafka.compression.type asks: embeddings barely compress, and it costs the task's
        // thread. A short linger (the client's default is 5 ms) because read_uncommitted readers see each record as
        // soon as it is sent; under load batches fill before it runs out.
        producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "1");
        KafkaSink<Outgoing> sink = KafkaSink.<Outgoing>builder()
                .setBootstrapServers(servers)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new OutgoingSerializer(
                        Topics.FRAMES_ANNOTATED.name(),
                        Topics.TEACHER_REQUESTS.name(),
                        Topics.FRAMES_PAIRED.deadLetter().name()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.transactionalIdPrefix())
                // Reuses a small pool of transactional producers instead of initialising a new one every checkpoint.
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .build();
        out.sinkTo(sink).name("annotations+requests+dlq").uid("sink").setParallelism(parallelism);
    }

    private static Properties consumerProperties(Map<String, Object> client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    /** The trusted keys are read where the job is built and travel with it, so task managers need no key files. */
    static List<String> readKeys(List<String> files) {
        if (files.isEmpty()) {
            throw new ConfigException(
                    "Setting " + InferenceConfig.TRUSTED_KEYS.key() + " names no key: the job could not accept any"
                            + " model. Give the PEM file(s) of the distiller's public signing key. "
                            + InferenceConfig.TRUSTED_KEYS.description());
        }
        List<String> pems = new ArrayList<>();
        for (String file : files) {
            try {
                pems.add(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new ConfigException(
                        "Cannot read the trusted key " + file + " (" + InferenceConfig.TRUSTED_KEYS.key() + "): " + e,
                        e);
            }
        }
        return pems;
    }

    /**
     * The job jar's entry point: {@code [--config FILE] [--bootstrap SERVERS] [--set key=value ...]}; settings also come
     * from {@code EDGEVL_*} environment variables. Prints its options with {@code --help}.
     */
    public static void main(String[] args) throws Exception {
        Optional<Path> file = Optional.empty();
        String bootstrap = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    System.out.println(usage());
                    return;
                }
                case "--config" -> file = Optional.of(Path.of(value(args, ++i, "--config")));
                case "--bootstrap", "-b" -> bootstrap = value(args, ++i, "--bootstrap");
                case "--set" -> {
                    String kv = value(args, ++i, "--set");
                    int eq = kv.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--set takes key=value, not " + kv);
                    }
                    overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("Unknown argument " + args[i] + "\n" + usage());
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, Settings.load(file, System.getenv(), overrides), bootstrap);
        env.execute(NAME);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    static String usage() {
        StringBuilder s = new StringBuilder("""
                edgevl stream-inference job
                  --config FILE        properties file (lowest precedence; EDGEVL_* environment variables override it)
                  --bootstrap SERVERS  Kafka bootstrap servers (else kafka.bootstrap.servers)
                  --set key=value      one setting (highest precedence), repeatable
                settings:
                """);
        for (var o : InferenceConfig.OPTIONS) {
            s.append(String.format("  %-36s %s (default %s)%n", o.key(), o.description(), o.defaultValue()));
        }
        return s.toString();
    }
}
