package dev.edgevl.eval.offline;

import dev.edgevl.model.clip.ClipPretrainer;
import dev.edgevl.model.clip.WordVocabulary;
import dev.edgevl.model.teacher.CommittedTeacher;
import dev.edgevl.model.teacher.SyntheticTeacher;
import dev.edgevl.model.teacher.SyntheticTeacherFiles;
import dev.edgevl.model.teacher.TeacherRecipe;
import dev.edgevl.model.train.Shuffle;
import dev.edgevl.sim.Seeds;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Pretrains the synthetic teacher CLIP style on RGB images and captions only — never depth or thermal,
 * as CLIP never saw them. Captions repeat within a batch, so equal caption texts form one group of
 * positives; caption variants with colour and size dropped put shape-only prompts in distribution.
 * A trained teacher is cached under a directory named by a hash of everything that shaped it; the teacher
 * of the default configuration with seed 1 is committed with the project ({@link CommittedTeacher}), so it is
 * copied, not pretrained, unless asked to.
 */
public final class TeacherPretraining {
    private static final float LEARNING_RATE = 2e-3f;
    private static final float TEMPERATURE = 0.07f;
    private static final String FORMAT = "teacher-v1";

    private TeacherPretraining() {}

    /**
     * Whether this configuration's teacher needs no pretraining: it is in the cache, or it is the teacher
     * committed with the project ({@link CommittedTeacher}).
     */
    public static boolean isCached(OfflineConfig config, Path cacheDir) {
        return (cacheDir != null && SyntheticTeacherFiles.isComplete(cacheDirOf(config, cacheDir)))
                || committed(config).isPresent();
    }

    private static Path cacheDirOf(OfflineConfig config, Path cacheDir) {
        return SyntheticTeacherFiles.directory(cacheDir, key(config));
    }

    /** The cache entry of this configuration's teacher under {@code cacheDir}. */
    public static Path cacheEntry(OfflineConfig config, Path cacheDir) {
        return cacheDirOf(config, cacheDir);
    }

    /** The teacher committed with the project, when it is this configuration's. */
    public static Optional<CommittedTeacher> committed(OfflineConfig config) {
        String key = key(config);
        return CommittedTeacher.find().filter(c -> c.key().equals(key));
    }

    /** The cached teacher for this configuration, or a freshly pretrained one (then cached) when there is none. */
    public static SyntheticTeacher obtain(
            OfflineConfig config, OfflineDataset data, Path cacheDir, PrintStream progress) {
        return obtain(config, () -> data, cacheDir, progress, false);
    }

    /**
     * This configuration's teacher: from the cache; else, when it is the teacher committed with the project,
     * that one, copied into the cache; else pretrained on {@code data} (rendered only then) and cached.
     *
     * @param force pretrain even when the cache or the committed teacher has it, and overwrite the cache entry
     */
    public static SyntheticTeacher obtain(
            OfflineConfig config, Supplier<OfflineDataset> data, Path cacheDir, PrintStream progress, boolean force) {
        Path dir = cacheDir == null ? null : cacheDirOf(config, cacheDir);
        if (!force) {
            if (dir != null && SyntheticTeacherFiles.isComplete(dir)) {
                progress.println("teacher: loading the pretrained teacher from " + dir);
                return SyntheticTeacherFiles.load(dir);
            }
            Optional<CommittedTeacher> committed = committed(config);
            if (committed.isPresent()) {
                return fromCommitted(committed.get(), cacheDir, progress);
            }
        }
        SyntheticTeacher teacher = pretrain(config, data.get(), progress);
        if (dir != null) {
            SyntheticTeacherFiles.save(teacher, dir);
            progress.println("teacher: saved to " + dir);
        }
        return teacher;
    }

    private static SyntheticTeacher fromCommitted(CommittedTeacher committed, Path cacheDir, PrintStream progress) {
        String what = "teacher: not pretraining: this configuration's teacher is committed with the project (seed "
                + committed.seed() + ", key " + committed.key() + ", made by '" + committed.command()
                + "'; 'edgevl teacher pretrain --force' trains it again)";
        if (cacheDir != null) {
            try {
                Path dir = committed.copyTo(cacheDir);
                progress.println(what + "; copied to " + dir);
                return SyntheticTeacherFiles.load(dir);
            } catch (IOException e) {
                progress.println("teacher: cannot copy the committed teacher into " + cacheDir + " (" + e.getMessage()
                        + "); reading it from the jar");
            }
        }
        progress.println(what);
        return committed.load();
    }

    public static SyntheticTeacher pretrain(OfflineConfig config, OfflineDataset data, PrintStream progress) {
        WordVocabulary vocabulary = WordVocabulary.of(data.texts());
        int n = data.train().count();
        int batch = config.batch();
        int stepsPerEpoch = n / batch;
        int steps = stepsPerEpoch * config.teacherEpochs();
        TeacherRecipe recipe = recipe(config);
        ClipPretrainer towers = recipe.towers(vocabulary.size(), LEARNING_RATE, steps, TEMPERATURE, (int)
                Seeds.derive(config.seed(), "teacher-init"));
        SyntheticTeacher teacher = new SyntheticTeacher(towers, vocabulary, recipe, "synthetic-clip@" + key(config));
        try {
            Random random = new Random(Seeds.derive(config.seed(), "teacher-shuffle"));
            long start = System.nanoTime();
            for (int epoch = 0; epoch < config.teacherEpochs(); epoch++) {
                int[] order = Shuffle.permutation(n, random);
                double lossSum = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int[] idx = java.util.Arrays.copyOfRange(order, s * batch, (s + 1) * batch);
                    lossSum += step(towers, data, vocabulary, recipe.contextLength(), idx, random);
                    if ((s + 1) % 25 == 0 && s + 1 < stepsPerEpoch) {
                        progress.printf(
                                "teacher: epoch %d, step %d/%d  (%.0f s)%n",
                                epoch + 1, s + 1, stepsPerEpoch, (System.nanoTime() - start) / 1e9);
                    }
                }
                progress.printf(
                        "teacher: epoch %d/%d  contrastive loss %.3f  (%.0f s)%n",
                        epoch + 1, config.teacherEpochs(), lossSum / stepsPerEpoch, (System.nanoTime() - start) / 1e9);
            }
            return teacher;
        } catch (RuntimeException e) {
            teacher.close();
            throw e;
        }
    }

    private static float step(
            ClipPretrainer towers,
            OfflineDataset data,
            WordVocabulary vocabulary,
            int contextLength,
            int[] idx,
            Random random) {
        int[] tokens = new int[idx.length * contextLength];
        int[] groups = new int[idx.length];
        Map<String, Integer> groupOf = new HashMap<>();
        for (int i = 0; i < idx.length; i++) {
            // The canonical caption now and then, a variant otherwise: both wordings are what the world says.
            List<String> variants = data.variants().get(idx[i]);
            int pick = random.nextInt(variants.size() + 1);
            String caption = pick == variants.size() ? data.captions().get(idx[i]) : variants.get(pick);
            System.arraycopy(vocabulary.encode(caption, contextLength), 0, tokens, i * contextLength, contextLength);
            groups[i] = groupOf.computeIfAbsent(caption, c -> groupOf.size());
        }
        return towers.step(data.train().gather(Modalities.RGB, idx), tokens, groups);
    }

    private static TeacherRecipe recipe(OfflineConfig config) {
        return TeacherRecipe.of(config.teacherSpec());
    }

    /** A hash of everything that shapes the teacher, so a changed recipe never loads a stale one. */
    public static String key(OfflineConfig c) {
        String recipe = String.join(
                "|",
                FORMAT,
                Long.toString(c.seed()),
                Integer.toString(c.trainScenes()),
                Integer.toString(c.captionVariants()),
                Integer.toString(c.teacherEpochs()),
                Integer.toString(c.batch()),
                c.teacherSpec().toString(),
                Integer.toString(TeacherRecipe.CONTEXT_LENGTH),
                Integer.toString(TeacherRecipe.WORD_DIM),
                Integer.toString(TeacherRecipe.HIDDEN_DIM),
                Float.toString(LEARNING_RATE),
                Float.toString(TEMPERATURE));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipe.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
