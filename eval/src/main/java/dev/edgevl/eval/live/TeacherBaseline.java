package dev.edgevl.eval.live;

import dev.edgevl.avro.SensorFrame;
import dev.edgevl.model.preprocess.FramePreprocessor;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.zeroshot.LabelSet;
import dev.edgevl.model.zeroshot.ZeroShotClassifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the teacher alone would score on the non-RGB modality: its zero-shot top-1 on a sample of the
 * paired non-RGB frames, against ground truth, over a sliding window of capture time.
 *
 * <p>The teacher is slow, so this runs on its own thread behind a bounded queue: when the teacher
 * falls behind, samples are dropped (and counted) rather than holding up the rest of the evaluator.
 * The teacher is the caller's; closing this does not close it.
 */
public final class TeacherBaseline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherBaseline.class);

    /**
     * @param sampleEvery   score one pair in this many
     * @param batchSize     frames embedded per teacher call
     * @param window        length of the rolling window, in capture time
     * @param queueCapacity matched samples waiting for the teacher before new ones are dropped
     */
    public record Options(int sampleEvery, int batchSize, Duration window, int queueCapacity) {
        public static final Options DEFAULT = new Options(20, 8, Duration.ofSeconds(60), 256);

        public Options {
            if (sampleEvery < 1 || batchSize < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("sampleEvery, batchSize and queueCapacity must be at least 1");
            }
            Objects.requireNonNull(window, "window");
        }
    }

    /** How much of the sample the teacher got through. */
    public record Stats(long sampled, long scored, long dropped, long unreadable) {}

    record Sample(SensorFrame frame, String label) {}

    private final TeacherModel teacher;
    private final InputSpec spec;
    private final LabelSet labels;
    private final Options options;
    private final BlockingQueue<Sample> queue;
    private final HitWindow window;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final Thread worker;
    private volatile boolean running = true;

    /**
     * @param spec   the teacher's input spec (for a configured teacher, {@code TeacherConfig.inputSpec(teacher.imageSize())})
     * @param labels the label set embedded by this teacher's text tower (e.g. {@code LabelEncoder.labelSet})
     */
    public TeacherBaseline(TeacherModel teacher, InputSpec spec, LabelSet labels, Options options) {
        this.teacher = Objects.requireNonNull(teacher, "teacher");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.options = Objects.requireNonNull(options, "options");
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("the teacher baseline needs at least one label");
        }
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.window = new HitWindow(options.window());
        this.worker = new Thread(this::work, "teacher-baseline");
        worker.setDaemon(true);
        worker.start();
    }

    /** True for one pair in {@code sampleEvery}: the evaluator only keeps those for matching. */
    boolean wants() {
        return offered.getAndIncrement() % options.sampleEvery() == 0;
    }

    /** Queues a sampled non-RGB frame and its true label; dropped when the teacher is behind. */
    void offer(SensorFrame aux, String label) {
        sampled.incrementAndGet();
        if (!queue.offer(new Sample(aux, label))) {
            dropped.incrementAndGet();
        }
    }

    /** The teacher's rolling non-RGB top-1; null until it has scored a frame. */
    public Double top1() {
        synchronized (window) {
            return window.top1();
        }
    }

    public Stats stats() {
        return new Stats(sampled.get(), scored.get(), dropped.get(), unreadable.get());
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
                // One bad batch (a teacher error) must not end the baseline; say so and carry on.
                LOG.warn(
                        "The teacher could not score a batch of {} frames for the baseline: {}",
                        batch.size(),
                        e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /** Embeds a batch with the teacher and records each verdict at the frame's capture time. */
    void score(List<Sample> batch) {
        List<float[]> inputs = new ArrayList<>(batch.size());
        List<Sample> readable = new ArrayList<>(batch.size());
        for (Sample s : batch) {
            try {
                inputs.add(FramePreprocessor.toInput(s.frame(), spec));
                readable.add(s);
            } catch (RuntimeException e) {
                unreadable.incrementAndGet();
            }
        }
        if (readable.isEmpty()) {
            return;
        }
        float[][] embeddings = teacher.encodeImages(inputs.toArray(new float[0][]));
        for (int i = 0; i < readable.size(); i++) {
            boolean right = ZeroShotClassifier.classify(embeddings[i], labels, 1)
                    .top1()
                    .label()
                    .equals(readable.get(i).label());
            Instant at = readable.get(i).frame().getCaptureTime();
            synchronized (window) {
                window.add(at, right);
            }
            scored.incrementAndGet();
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
