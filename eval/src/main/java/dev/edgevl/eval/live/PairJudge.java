package dev.edgevl.eval.live;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.avro.SensorFrame;
import dev.edgevl.model.onnx.LiveModel;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.LiveLabels;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second opinion on the pairs the fleet annotated: another model (the frozen v0, the teacher alone) labels a fixed,
 * deterministic sample of them, both the non-RGB and the RGB frame, and each verdict against ground truth goes to the
 * {@link Scoreboard} under this judge, at the pair's capture time. The sample is a function of the frame's identity
 * (device, sensor, sequence), so a replay or another run of the same scenario judges the same pairs.
 *
 * <p>Threaded (the default for a live run): pairs wait in a bounded queue and are scored in batches on a thread of
 * its own; when the model falls behind, pairs are dropped and counted rather than holding up the evaluator. Direct
 * ({@link #scoreNow}): the caller scores, for runs in accelerated time that must be deterministic. The model is the
 * caller's; closing the judge does not close it.
 */
public final class PairJudge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PairJudge.class);

    /** A model's view of frames: its own preprocessing, then embeddings in its label space. */
    public interface Model {
        /** @throws RuntimeException when the frame cannot be read (counted as unreadable) */
        float[] input(SensorFrame frame);

        /** @param modalities each input's modality, for a student whose modalities run graphs of their own */
        float[][] embed(float[][] inputs, Modality[] modalities);

        /** The teacher on its own input size and normalisation. */
        static Model teacher(TeacherModel teacher, InputSpec spec) {
            return new Model() {
                @Override
                public float[] input(SensorFrame frame) {
                    return FramePreprocessor.toInput(frame, spec);
                }

                @Override
                public float[][] embed(float[][] inputs, Modality[] modalities) {
                    return teacher.encodeImages(inputs);
                }
            };
        }

        /** A signed student as the fleet runs it, with the preprocessing its manifest asks for. */
        static Model student(LiveModel model) {
            return new Model() {
                @Override
                public float[] input(SensorFrame frame) {
                    return FramePreprocessor.toInput(frame, model.spec());
                }

                @Override
                public float[][] embed(float[][] inputs, Modality[] modalities) {
                    int pixels = model.spec().size();
                    float[] images = new float[inputs.length * pixels];
                    for (int i = 0; i < inputs.length; i++) {
                        System.arraycopy(inputs[i], 0, images, i * pixels, pixels);
                    }
                    return model.embed(modalities, images);
                }
            };
        }
    }

    /**
     * @param sampleEvery judge one pair in this many (chosen by a hash of the frame's identity); 1 judges every pair
     * @param batchSize frames embedded per model call
     * @param queueCapacity sampled pairs waiting for the model before new ones are dropped (threaded only)
     * @param threaded score on a thread of its own; false when the caller calls {@link #scoreNow}
     */
    public record Options(int sampleEvery, int batchSize, int queueCapacity, boolean threaded) {
        /** The teacher is slow: one pair in twenty, dropped when it falls behind. */
        public static final Options TEACHER = new Options(20, 8, 256, true);
        /** The frozen student is cheap: every pair. */
        public static final Options FROZEN = new Options(1, 32, 4096, true);

        public Options {
            if (sampleEvery < 1 || batchSize < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("sampleEvery, batchSize and queueCapacity must be at least 1");
            }
        }

        public Options direct() {
            return new Options(sampleEvery, batchSize, queueCapacity, false);
        }
    }

    /** How much of the sample the judge got through. */
    public record Stats(long sampled, long scored, long dropped, long unreadable, long withoutLabels) {}

    /** A sampled pair and its frame's true label. */
    public record Sample(FramePair pair, String label) {}

    private final Scoreboard.Judge judge;
    private final Model model;
    private final Supplier<LabelSet> labels;
    private final Options options;
    private final Scoreboard board;
    private final BlockingQueue<Sample> queue;
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final AtomicLong withoutLabels = new AtomicLong();
    private final Thread worker;
    private volatile boolean running = true;

    /**
     * @param labels the label set to classify with, looked up at each batch (the live labels, embedded by this
     *     model's teacher); an empty set skips the batch and counts it
     */
    public PairJudge(
            Scoreboard.Judge judge, Model model, Supplier<LabelSet> labels, Options options, Scoreboard board) {
        this.judge = Objects.requireNonNull(judge, "judge");
        this.model = Objects.requireNonNull(model, "model");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.options = Objects.requireNonNull(options, "options");
        this.board = Objects.requireNonNull(board, "board");
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        if (options.threaded()) {
            this.worker = new Thread(this::work, "judge-" + judge.name().toLowerCase(java.util.Locale.ROOT));
            worker.setDaemon(true);
            worker.start();
        } else {
            this.worker = null;
        }
    }

    /**
     * The teacher alone, classifying with the live labels its own text tower embedded.
     *
     * @param spec the teacher's input (for a configured teacher, {@code TeacherConfig.inputSpec})
     */
    public static PairJudge teacher(
            TeacherModel teacher, InputSpec spec, Supplier<LiveLabels> labels, Options options, Scoreboard board) {
        return new PairJudge(
                Scoreboard.Judge.TEACHER,
                Model.teacher(teacher, spec),
                () -> labels.get().select(teacher.id(), teacher.dim()).labels(),
                options,
                board);
    }

    /** The frozen v0, classifying with the live labels of its teacher, as the fleet's readers select them. */
    public static PairJudge frozen(LiveModel v0, Supplier<LiveLabels> labels, Options options, Scoreboard board) {
        return new PairJudge(
                Scoreboard.Judge.FROZEN,
                Model.student(v0),
                () -> labels.get().select(v0.teacherId(), v0.embeddingDim()).labels(),
                options,
                board);
    }

    public Scoreboard.Judge judge() {
        return judge;
    }

    boolean threaded() {
        return options.threaded();
    }

    int batchSize() {
        return options.batchSize();
    }

    /** Whether this pair is in the judge's sample: a function of the non-RGB frame's identity alone. */
    public boolean wants(FrameKey key) {
        return sampled(key, options.sampleEvery());
    }

    static boolean sampled(FrameKey key, int every) {
        if (every <= 1) {
            return true;
        }
        long h = 0xcbf29ce484222325L;
        for (byte b : (key.deviceId() + '\u0000' + key.sensorId()).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        h ^= key.sequence() * 0x9E3779B97F4A7C15L;
        h = (h ^ (h >>> 31)) * 0xbf58476d1ce4e5b9L;
        h ^= h >>> 29;
        return Math.floorMod(h, every) == 0;
    }

    /** Queues a sampled pair (threaded), dropped when the model is behind. */
    public void offer(FramePair pair, String label) {
        sampled.incrementAndGet();
        if (!queue.offer(new Sample(pair, label))) {
            dropped.incrementAndGet();
        }
    }

    /** Scores sampled pairs at once, on the caller's thread. */
    public void scoreNow(List<Sample> batch) {
        sampled.addAndGet(batch.size());
        for (int from = 0; from < batch.size(); from += options.batchSize()) {
            score(batch.subList(from, Math.min(batch.size(), from + options.batchSize())));
        }
    }

    public Stats stats() {
        return new Stats(sampled.get(), scored.get(), dropped.get(), unreadable.get(), withoutLabels.get());
    }

    private void work() {
        List<Sample> batch = new ArrayList<>(options.batchSize());
        while (running) {
            try {
                Sample first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, options.batchSize() - 1);
                score(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // One bad batch (a model error) must not end the judge; say so and carry on.
                LOG.warn("The {} judge could not score a batch of {} pairs: {}", judge, batch.size(), e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /** Embeds the batch's non-RGB and RGB frames in one call and records each verdict at the pair's capture time. */
    void score(List<Sample> batch) {
        LabelSet set = labels.get();
        if (set == null || set.isEmpty()) {
            withoutLabels.addAndGet(batch.size());
            return;
        }
        List<float[]> inputs = new ArrayList<>(2 * batch.size());
        List<SensorFrame> frames = new ArrayList<>(2 * batch.size());
        List<Sample> owners = new ArrayList<>(2 * batch.size());
        for (Sample s : batch) {
            try {
                float[] aux = model.input(s.pair().getAux());
                float[] rgb =
                        s.pair().getRgb() == null ? null : model.input(s.pair().getRgb());
                inputs.add(aux);
                frames.add(s.pair().getAux());
                owners.add(s);
                if (rgb != null) {
                    inputs.add(rgb);
                    frames.add(s.pair().getRgb());
                    owners.add(s);
                }
            } catch (RuntimeException e) {
                unreadable.incrementAndGet();
            }
        }
        if (inputs.isEmpty()) {
            return;
        }
        float[][] embeddings = model.embed(
                inputs.toArray(new float[0][]),
                frames.stream().map(SensorFrame::getModality).toArray(Modality[]::new));
        for (int i = 0; i < embeddings.length; i++) {
            Sample s = owners.get(i);
            boolean right = ZeroShotClassifier.classify(embeddings[i], set, 1)
                    .top1()
                    .label()
                    .equals(s.label());
            board.add(judge, frames.get(i).getModality(), s.pair().getAux().getCaptureTime(), right);
        }
        scored.addAndGet(batch.size());
    }

    @Override
    public void close() {
        running = false;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
