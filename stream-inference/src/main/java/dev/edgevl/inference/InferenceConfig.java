package dev.edgevl.inference;

import dev.edgevl.config.ConfigException;
import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import dev.edgevl.model.zeroshot.RoutingRules;
import dev.edgevl.model.zeroshot.TokenBucket;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The stream job's settings ({@code inference.*}), typed and checked. Serializable: it travels to every task.
 *
 * @param family           the model family the job serves (the key of its records on {@code models})
 * @param batchSize        an operator flushes its buffer at this many frames...
 * @param batchTimeout     ...or this long after the first buffered frame, whichever comes first
 * @param topK             labels per annotation
 * @param temperature      softmax temperature over cosine similarities
 * @param routing          when a frame counts as uncertain
 * @param budget           the per-device token bucket for teacher requests
 * @param exploration      share of frames sent whatever the student says, by a hash of the frame (charged to the same bucket)
 * @param favourWeak       whether uncertain frames of the modality the live student is weakest on get the budget first
 *     ({@link ModalityPriority})
 * @param engineThreads    ONNX Runtime intra-op threads per parallel instance; 0 = (cores - 1) / parallelism, at least 1
 * @param parallelism      operator parallelism; 0 = the environment's default
 * @param checkpointInterval how often Flink checkpoints (and so how often the exactly-once sinks commit)
 * @param controlCatchUp   longest an instance waits at start to read the models and labels already written
 * @param outOfOrderness   the watermark's allowance for frames arriving out of capture order
 * @param shedAfter        how long after it was paired a pair may reach the operator and still be annotated; older ones
 *     are shed ({@code SHED} annotations, no model run). Zero: never shed
 * @param groupId          consumer group of the frame source (offsets live in checkpoints; the group is for monitoring)
 * @param transactionalIdPrefix prefix of the exactly-once sink's transactional ids; unique per job on a cluster
 * @param trustedKeyFiles  PEM public keys whose signatures the job accepts on model bundles
 */
public record InferenceConfig(
        String family,
        int batchSize,
        Duration batchTimeout,
        int topK,
        double temperature,
        RoutingRules routing,
        TokenBucket budget,
        double exploration,
        boolean favourWeak,
        int engineThreads,
        int parallelism,
        Duration checkpointInterval,
        Duration controlCatchUp,
        Duration outOfOrderness,
        Duration shedAfter,
        String groupId,
        String transactionalIdPrefix,
        List<String> trustedKeyFiles)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String PREFIX = "inference.";

    public static final ConfigOption<String> FAMILY =
            ConfigOption.string(PREFIX + "family", "student", "The model family whose live version annotates frames.");
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOption.integer(
            PREFIX + "batch.size",
            32,
            "Frames per inference batch: an operator runs the student when this many are buffered.");
    public static final ConfigOption<Duration> BATCH_TIMEOUT = ConfigOption.duration(
            PREFIX + "batch.timeout",
            Duration.ofMillis(5),
            "Longest a frame waits in a partial batch before the operator runs the student anyway. Short, because the"
                    + " shipped student runs as fast per frame alone as in a batch on a CPU: batches fill only under a"
                    + " backlog, and a frame at a moderate rate should not wait for company.");
    public static final ConfigOption<Integer> TOP_K =
            ConfigOption.integer(PREFIX + "top-k", 3, "Labels (with scores) per annotation.");
    public static final ConfigOption<Double> TEMPERATURE = ConfigOption.decimal(
            PREFIX + "temperature",
            ZeroShotClassifier.DEFAULT_TEMPERATURE,
            "Softmax temperature over label cosine similarities (CLIP uses 0.01).");
    public static final ConfigOption<Double> MIN_MARGIN = ConfigOption.decimal(
            PREFIX + "route.min-margin",
            RoutingRules.DEFAULT.minMargin(),
            "A frame whose top-1 and top-2 probabilities are closer than this is uncertain.");
    public static final ConfigOption<Double> MAX_ENTROPY = ConfigOption.decimal(
            PREFIX + "route.max-entropy",
            RoutingRules.DEFAULT.maxEntropy(),
            "A frame whose normalized label entropy (0..1) exceeds this is uncertain.");
    public static final ConfigOption<Boolean> ON_DISAGREEMENT = ConfigOption.bool(
            PREFIX + "route.on-disagreement",
            RoutingRules.DEFAULT.onDisagreement(),
            "A frame whose RGB and non-RGB top-1 labels differ is uncertain.");
    public static final ConfigOption<Double> BUDGET = ConfigOption.decimal(
            PREFIX + "route.budget",
            TokenBucket.DEFAULT_FRACTION,
            "Largest fraction of a device's frames sent to the teacher (a token bucket per device).");
    public static final ConfigOption<Double> BURST = ConfigOption.decimal(
            PREFIX + "route.burst",
            TokenBucket.DEFAULT_CAPACITY,
            "Requests a device may send back to back when it has saved up (the bucket's capacity).");
    public static final ConfigOption<Double> EXPLORATION = ConfigOption.decimal(
            PREFIX + "route.exploration",
            0.005,
            "Share of frames sent to the teacher whatever the student says (picked by a hash of the frame, within the budget): a"
                    + " uniform sample of the stream, so confident mistakes are seen too and the distiller has unbiased pairs.");
    public static final ConfigOption<Boolean> FAVOUR_WEAK = ConfigOption.bool(
            PREFIX + "route.favour-weak-modality",
            true,
            "Uncertain frames of the modality the live student agrees with the teacher least on (its signed gate figures"
                    + " on held-out exploration picks) get their device's budget first; the others' in proportion. Exploration stays uniform. false: every"
                    + " modality alike.");
    public static final ConfigOption<Integer> ENGINE_THREADS = ConfigOption.integer(
            PREFIX + "engine.threads",
            0,
            "ONNX Runtime threads per parallel instance; 0 = (available cores - 1) / parallelism, at least 1: one core is"
                    + " left to the source, the sinks and the Kafka clients, which otherwise wait for the model.");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOption.integer(
            PREFIX + "parallelism", 0, "Parallelism of the job's operators; 0 = the Flink environment's default.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.duration(
            PREFIX + "checkpoint.interval",
            Duration.ofSeconds(1),
            "Checkpoint interval; annotations become visible to read_committed consumers at each checkpoint.");
    public static final ConfigOption<Duration> CONTROL_CATCH_UP = ConfigOption.duration(
            PREFIX + "control.catch-up-timeout",
            Duration.ofSeconds(60),
            "Longest an annotating instance waits at start to read the models and labels.embedded records already"
                    + " written, before it takes its first frame. After it, frames are annotated with what has arrived"
                    + " (NO_MODEL before any model) and the rest applies as it comes.");
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOption.duration(
            PREFIX + "watermark.out-of-orderness",
            Duration.ofMillis(200),
            "How far behind the newest capture time a frame may arrive before it counts as late for event time.");
    public static final ConfigOption<Duration> SHED_AFTER = ConfigOption.duration(
            PREFIX + "shed-after",
            Duration.ZERO,
            "Load shedding: a pair the job reaches longer than this after frame sync paired it is shed, annotated SHED"
                    + " (no model run, no label, counted in the 'shed' metric) instead of by the student, so a job that"
                    + " fell behind catches up with the newest frames; as each device's frames come in order, each device"
                    + " loses its oldest first. While pairs are reached more than half of this late and it is not catching"
                    + " up, the job also annotates only a share of the pairs still on time, spread evenly over each"
                    + " device's frames (cut by a fifth every second it falls further behind, raised by 5 points every"
                    + " second it is not behind; counted in 'shedToCatchUp'), so the lag stays bounded even when its"
                    + " partitions carry uneven loads. 0 (the default) never sheds: every pair is annotated, however late"
                    + " (replays, backfills). edgevl local sets 10s.");
    public static final ConfigOption<String> GROUP_ID =
            ConfigOption.string(PREFIX + "group-id", "edgevl-stream-inference", "Consumer group of the frame source.");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOption.string(
            PREFIX + "transactional-id-prefix",
            "edgevl-stream-inference",
            "Prefix of the exactly-once sink's transactional ids; must be unique per job on a Kafka cluster.");
    public static final ConfigOption<String> TRUSTED_KEYS = ConfigOption.string(
            PREFIX + "trusted-keys",
            null,
            "Required: comma-separated PEM files of the Ed25519 public keys whose model signatures the job accepts; edgevl infer --trust "
                    + "sets it.");

    public static final List<ConfigOption<?>> OPTIONS = List.of(
            FAMILY,
            BATCH_SIZE,
            BATCH_TIMEOUT,
            TOP_K,
            TEMPERATURE,
            MIN_MARGIN,
            MAX_ENTROPY,
            ON_DISAGREEMENT,
            BUDGET,
            BURST,
            EXPLORATION,
            FAVOUR_WEAK,
            ENGINE_THREADS,
            PARALLELISM,
            CHECKPOINT_INTERVAL,
            CONTROL_CATCH_UP,
            OUT_OF_ORDERNESS,
            SHED_AFTER,
            GROUP_ID,
            TRANSACTIONAL_ID_PREFIX,
            TRUSTED_KEYS);

    public InferenceConfig {
        FAMILY.check(family != null && !family.isBlank(), "must not be blank");
        BATCH_SIZE.check(batchSize >= 1, "must be at least 1");
        BATCH_TIMEOUT.check(
                batchTimeout != null && !batchTimeout.isNegative() && !batchTimeout.isZero(), "must be positive");
        TOP_K.check(topK >= 1, "must be at least 1");
        TEMPERATURE.check(temperature > 0 && Double.isFinite(temperature), "must be positive");
        EXPLORATION.check(exploration >= 0 && exploration <= 1, "must be between 0 and 1");
        ENGINE_THREADS.check(engineThreads >= 0, "must not be negative");
        PARALLELISM.check(parallelism >= 0, "must not be negative");
        CHECKPOINT_INTERVAL.check(
                checkpointInterval != null && checkpointInterval.toMillis() >= 10, "must be at least 10 ms");
        CONTROL_CATCH_UP.check(controlCatchUp != null && !controlCatchUp.isNegative(), "must not be negative");
        OUT_OF_ORDERNESS.check(outOfOrderness != null && !outOfOrderness.isNegative(), "must not be negative");
        SHED_AFTER.check(shedAfter != null && !shedAfter.isNegative(), "must not be negative");
        GROUP_ID.check(groupId != null && !groupId.isBlank(), "must not be blank");
        TRANSACTIONAL_ID_PREFIX.check(
                transactionalIdPrefix != null && !transactionalIdPrefix.isBlank(), "must not be blank");
        trustedKeyFiles = List.copyOf(trustedKeyFiles);
    }

    public static InferenceConfig from(Settings settings) {
        RoutingRules routing;
        TokenBucket budget;
        try {
            routing = new RoutingRules(
                    settings.get(MIN_MARGIN), settings.get(MAX_ENTROPY), settings.get(ON_DISAGREEMENT));
            budget = new TokenBucket(settings.get(BUDGET), settings.get(BURST));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Routing settings (" + PREFIX + "route.*) are out of range: " + e.getMessage());
        }
        String keys = settings.get(TRUSTED_KEYS);
        List<String> keyFiles = keys == null || keys.isBlank()
                ? List.of()
                : List.of(keys.split(",")).stream()
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
        return new InferenceConfig(
                settings.get(FAMILY),
                settings.get(BATCH_SIZE),
                settings.get(BATCH_TIMEOUT),
                settings.get(TOP_K),
                settings.get(TEMPERATURE),
                routing,
                budget,
                settings.get(EXPLORATION),
                settings.get(FAVOUR_WEAK),
                settings.get(ENGINE_THREADS),
                settings.get(PARALLELISM),
                settings.get(CHECKPOINT_INTERVAL),
                settings.get(CONTROL_CATCH_UP),
                settings.get(OUT_OF_ORDERNESS),
                settings.get(SHED_AFTER),
                settings.get(GROUP_ID),
                settings.get(TRANSACTIONAL_ID_PREFIX),
                keyFiles);
    }

    public static InferenceConfig defaults() {
        return from(Settings.empty());
    }

    public InferenceConfig withBatching(int size, Duration timeout) {
        return new InferenceConfig(
                family,
                size,
                timeout,
                topK,
                temperature,
                routing,
                budget,
                exploration,
                favourWeak,
                engineThreads,
                parallelism,
                checkpointInterval,
                controlCatchUp,
                outOfOrderness,
                shedAfter,
                groupId,
                transactionalIdPrefix,
                trustedKeyFiles);
    }

    public InferenceConfig withRouting(RoutingRules newRouting, TokenBucket newBudget, double newExploration) {
        return new InferenceConfig(
                family,
                batchSize,
                batchTimeout,
                topK,
                temperature,
                newRouting,
                newBudget,
                newExploration,
                favourWeak,
                engineThreads,
                parallelism,
                checkpointInterval,
                controlCatchUp,
                outOfOrderness,
                shedAfter,
                groupId,
                transactionalIdPrefix,
                trustedKeyFiles);
    }

    public InferenceConfig withTrustedKeys(List<String> files) {
        return new InferenceConfig(
                family,
                batchSize,
                batchTimeout,
                topK,
                temperature,
                routing,
                budget,
                exploration,
                favourWeak,
                engineThreads,
                parallelism,
                checkpointInterval,
                controlCatchUp,
                outOfOrderness,
                shedAfter,
                groupId,
                transactionalIdPrefix,
                files);
    }

    public InferenceConfig withShedAfter(Duration after) {
        return new InferenceConfig(
                family,
                batchSize,
                batchTimeout,
                topK,
                temperature,
                routing,
                budget,
                exploration,
                favourWeak,
                engineThreads,
                parallelism,
                checkpointInterval,
                controlCatchUp,
                outOfOrderness,
                after,
                groupId,
                transactionalIdPrefix,
                trustedKeyFiles);
    }

    /** Engine threads for one of {@code parallelism} instances on a machine with {@code cores}. */
    public int engineThreads(int cores, int instances) {
        return engineThreads > 0 ? engineThreads : Math.max(1, (cores - 1) / Math.max(1, instances));
    }
}
