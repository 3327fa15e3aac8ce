package dev.edgevl.bench;

import dev.edgevl.avro.LabelEmbedding;
import dev.edgevl.avro.ModelVersion;
import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.config.Settings;
import dev.edgevl.distill.Distiller;
import dev.edgevl.distill.DistillerConfig;
import dev.edgevl.distill.RoundListener;
import dev.edgevl.distill.RoundReport;
import dev.edgevl.eval.offline.OfflinePairs;
import dev.edgevl.model.bundle.DirectoryModelStore;
import dev.edgevl.model.bundle.Keys;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.teacher.TeacherConfig;
import dev.edgevl.model.teacher.TeacherModel;
import dev.edgevl.model.teacher.TeacherModels;
import dev.edgevl.model.zeroshot.Embeddings;
import dev.edgevl.model.zeroshot.LabelEncoder;
import dev.edgevl.model.zeroshot.Prompts;
import dev.edgevl.sim.world.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One retraining round of the distiller with its default settings (buffer, student, epochs, stage-2 steps), on pairs
 * of the default sensor world embedded by the configured teacher: the time it takes on this machine and the gate's
 * figures. Optionally a second round continuing from the first, with new pairs, to show the warm start and the gate
 * comparing against a live version.
 */
public final class DistillBench {
    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    private DistillBench() {}

    /** A round's figures. */
    public record Round(long version, double seconds, Map<String, Double> metrics, boolean published, String verdict) {}

    /**
     * @param pairs pairs rendered for the first round (enough to fill the buffer: about its capacity over 1 − the held-out share)
     * @param rounds 1 or 2
     */
    public static BenchResult run(Settings settings, int pairs, int rounds, long seed, Consumer<String> log)
            throws Exception {
        List<Round> done = rounds(settings, pairs, rounds, seed, log);
        Map<String, Double> figures = new LinkedHashMap<>();
        StringBuilder sentence = new StringBuilder();
        for (Round r : done) {
            String p = "round" + r.version() + ".";
            figures.put(p + "seconds", Math.round(r.seconds() * 10) / 10.0);
            r.metrics().forEach((k, v) -> {
                if (!k.equals(Distiller.DATA_WATERMARK)) {
                    figures.put(p + k, v);
                }
            });
            sentence.append(String.format(
                    "Round v%d: %.0f s (stage 1 %.0f s on %.0f pairs, stage 2 %.0f s); %s. ",
                    r.version(),
                    r.seconds(),
                    r.metrics().getOrDefault("stage1.seconds", 0.0),
                    r.metrics().getOrDefault("train.samples", 0.0),
                    r.metrics().getOrDefault("stage2.seconds", 0.0),
                    r.verdict()));
        }
        return new BenchResult("distill", sentence.toString().trim(), figures);
    }

    static List<Round> rounds(Settings settings, int pairs, int rounds, long seed, Consumer<String> log)
            throws Exception {
        DistillerConfig config = DistillerConfig.from(settings);
        Path store = Files.createTempDirectory("edgevl-bench-distill");
        config = config.withStoreDir(store);
        List<ModelVersion> published = new CopyOnWriteArrayList<>();
        List<Round> out = new ArrayList<>();
        try (TeacherModel teacher = TeacherModels.load(settings)) {
            InputSpec teacherSpec = TeacherConfig.from(settings).inputSpec(teacher.imageSize());
            List<LabelEmbedding> labels = labels(teacher);
            RoundListener listener = (phase, done, total) -> {
                if (done == total || done % Math.max(1, total / 4) == 0) {
                    log.accept(String.format("  %s %d/%d", phase, done, total));
                }
            };
            try (Distiller distiller = new Distiller(
                    config,
                    new DirectoryModelStore(store),
                    Keys.generate(),
                    published::add,
                    Clock.systemUTC(),
                    listener)) {
                labels.forEach(l -> distiller.onLabel(l.getLabel(), l));
                int from = 0;
                for (int r = 0; r < rounds; r++) {
                    int count = r == 0
                            ? pairs
                            : config.trigger().samples() + config.trigger().samples() / 4;
                    long started = System.nanoTime();
                    List<TeacherEmbedding> batch =
                            OfflinePairs.embedded(teacher, teacherSpec, seed, from, from + count);
                    from += count;
                    batch.forEach(distiller::onTeacherEmbedding);
                    log.accept(String.format(
                            "Rendered and embedded %,d pairs in %.0f s; buffer: %d training, %d held-out pairs.",
                            count,
                            (System.nanoTime() - started) / 1e9,
                            distiller.status().train(),
                            distiller.status().heldOut()));
                    if (!distiller.maybeStartRound()) {
                        throw new IllegalStateException("the trigger did not fire: " + distiller.status());
                    }
                    distiller.awaitRound(Duration.ofHours(2));
                    RoundReport report = distiller.lastRound();
                    if (report.failed()) {
                        throw new IllegalStateException("round " + report.version() + " failed: " + report.failure());
                    }
                    out.add(new Round(
                            report.version(),
                            report.seconds(),
                            report.metrics(),
                            report.published(),
                            report.verdict().reason()));
                    if (report.published()) {
                        distiller.onModel(config.family(), published.get(published.size() - 1));
                    }
                }
            }
        }
        return out;
    }

    private static List<LabelEmbedding> labels(TeacherModel teacher) {
        List<LabelEmbedding> out = new ArrayList<>();
        for (String label : Shape.defaultMix()) {
            float[] e = LabelEncoder.embed(teacher, label, Prompts.DEFAULT_TEMPLATES);
            out.add(LabelEmbedding.newBuilder()
                    .setLabel(label)
                    .setTeacherId(teacher.id())
                    .setEmbedding(Embeddings.boxed(e))
                    .setPromptTemplates(Prompts.DEFAULT_TEMPLATES)
                    .setEmbeddedTime(T0)
                    .build());
        }
        return out;
    }
}
