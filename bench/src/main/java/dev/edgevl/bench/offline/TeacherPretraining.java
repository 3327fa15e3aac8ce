package dev.edgevl.bench.offline;

import ai.djl.MalformedModelException;
import ai.djl.nn.Block;
import dev.edgevl.model.clip.ClipPretrainer;
import dev.edgevl.model.clip.TextTower;
import dev.edgevl.model.clip.WordVocabulary;
import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.sim.Seeds;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Pretrains the synthetic teacher CLIP style on RGB images and captions only — never depth or thermal,
 * as CLIP never saw them. Captions repeat within a batch, so equal caption texts form one group of
 * positives; caption variants with colour and size dropped put shape-only prompts in distribution.
 * A trained teacher is cached under a directory named by a hash of everything that shaped it.
 */
public final class TeacherPretraining {
    static final int CONTEXT_LENGTH = 16;
    private static final int WORD_DIM = 32;
    private static final int HIDDEN_DIM = 256;
    private static final float LEARNING_RATE = 2e-3f;
    private static final float TEMPERATURE = 0.07f;
    private static final String FORMAT = "teacher-v1";

    private TeacherPretraining() {
    }

    /** Whether a teacher for this configuration is already in the cache. */
    public static boolean isCached(OfflineConfig config, Path cacheDir) {
        return cacheDir != null && java.nio.file.Files.isDirectory(cacheDirOf(config, cacheDir));
    }

    private static Path cacheDirOf(OfflineConfig config, Path cacheDir) {
        return cacheDir.resolve("teacher-" + key(config));
    }

    /** The cached teacher for this configuration, or a freshly pretrained one (then cached) when there is none. */
    public static SyntheticTeacher obtain(OfflineConfig config, OfflineDataset data, Path cacheDir, PrintStream progress) {
        Path dir = cacheDir == null ? null : cacheDirOf(config, cacheDir);
        if (dir != null && Files.isRegularFile(dir.resolve("vocabulary.txt"))) {
            progress.println("teacher: loading the pretrained teacher from " + dir);
            return load(config, dir);
        }
        SyntheticTeacher teacher = pretrain(config, data, progress);
        if (dir != null) {
            save(teacher, dir);
            progress.println("teacher: saved to " + dir);
        }
        return teacher;
    }

    public static SyntheticTeacher pretrain(OfflineConfig config, OfflineDataset data, PrintStream progress) {
        WordVocabulary vocabulary = WordVocabulary.of(data.texts());
        int n = data.train().count();
        int batch = config.batch();
        int stepsPerEpoch = n / batch;
        int steps = stepsPerEpoch * config.teacherEpochs();
        ClipPretrainer towers = towers(config, vocabulary, steps);
        SyntheticTeacher teacher = new SyntheticTeacher(towers, vocabulary, CONTEXT_LENGTH);
        try {
            Random random = new Random(Seeds.derive(config.seed(), "teacher-shuffle"));
            long start = System.nanoTime();
            for (int epoch = 0; epoch < config.teacherEpochs(); epoch++) {
                int[] order = Shuffle.permutation(n, random);
                double lossSum = 0;
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int[] idx = java.util.Arrays.copyOfRange(order, s * batch, (s + 1) * batch);
                    lossSum += step(towers, data, vocabulary, idx, random);
                    if ((s + 1) % 25 == 0 && s + 1 < stepsPerEpoch) {
                        progress.printf("teacher: epoch %d, step %d/%d  (%.0f s)%n", epoch + 1, s + 1, stepsPerEpoch, (System.nanoTime() - start) / 1e9);
                    }
                }
                progress.printf("teacher: epoch %d/%d  contrastive loss %.3f  (%.0f s)%n", epoch + 1, config.teacherEpochs(),
                        lossSum / stepsPerEpoch, (System.nanoTime() - start) / 1e9);
            }
            return teacher;
        } catch (RuntimeException e) {
            teacher.close();
            throw e;
        }
    }

    private static float step(ClipPretrainer towers, OfflineDataset data, WordVocabulary vocabulary, int[] idx, Random random) {
        int[] tokens = new int[idx.length * CONTEXT_LENGTH];
        int[] groups = new int[idx.length];
        Map<String, Integer> groupOf = new HashMap<>();
        for (int i = 0; i < idx.length; i++) {
            // The canonical caption now and then, a variant otherwise: both wordings are what the world says.
            List<String> variants = data.variants().get(idx[i]);
            int pick = random.nextInt(variants.size() + 1);
            String caption = pick == variants.size() ? data.captions().get(idx[i]) : variants.get(pick);
            System.arraycopy(vocabulary.encode(caption, CONTEXT_LENGTH), 0, tokens, i * CONTEXT_LENGTH, CONTEXT_LENGTH);
            groups[i] = groupOf.computeIfAbsent(caption, c -> groupOf.size());
        }
        return towers.step(data.train().gather(Modalities.RGB, idx), tokens, groups);
    }

    private static ClipPretrainer towers(OfflineConfig config, WordVocabulary vocabulary, int steps) {
        Block image = StudentNetwork.build(config.teacherSpec());
        TextTower text = new TextTower(vocabulary.size(), CONTEXT_LENGTH, WORD_DIM, HIDDEN_DIM, config.teacherSpec().embeddingDim());
        return new ClipPretrainer(image, text, config.teacherSpec().inputSize(), CONTEXT_LENGTH, LEARNING_RATE, Math.max(1, steps),
                TEMPERATURE, (int) Seeds.derive(config.seed(), "teacher-init"));
    }

    static void save(SyntheticTeacher teacher, Path dir) {
        try {
            Files.createDirectories(dir);
            saveBlock(teacher.towers().imageModel().getBlock(), dir.resolve("image.params"));
            saveBlock(teacher.towers().textModel().getBlock(), dir.resolve("text.params"));
            // The vocabulary last: its presence says the cache entry is complete.
            Path tmp = dir.resolve("vocabulary.txt.tmp");
            Files.write(tmp, teacher.vocabulary().words(), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve("vocabulary.txt"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the teacher to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void saveBlock(Block block, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            block.saveParameters(out);
        }
    }

    static SyntheticTeacher load(OfflineConfig config, Path dir) {
        try {
            WordVocabulary vocabulary = WordVocabulary.ofWords(Files.readAllLines(dir.resolve("vocabulary.txt"), StandardCharsets.UTF_8));
            ClipPretrainer towers = towers(config, vocabulary, 1);
            try {
                loadBlock(towers.imageModel(), dir.resolve("image.params"));
                loadBlock(towers.textModel(), dir.resolve("text.params"));
            } catch (IOException | MalformedModelException | RuntimeException e) {
                towers.close();
                throw e;
            }
            return new SyntheticTeacher(towers, vocabulary, CONTEXT_LENGTH);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("the cached teacher in " + dir + " cannot be read (" + e.getMessage() + "); delete it to retrain", e);
        }
    }

    private static void loadBlock(ai.djl.Model model, Path file) throws IOException, MalformedModelException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            model.getBlock().loadParameters(model.getNDManager(), in);
        }
    }

    /** A hash of everything that shapes the teacher, so a changed recipe never loads a stale one. */
    static String key(OfflineConfig c) {
        String recipe = String.join("|", FORMAT, Long.toString(c.seed()), Integer.toString(c.trainScenes()), Integer.toString(c.captionVariants()),
                Integer.toString(c.teacherEpochs()), Integer.toString(c.batch()), c.teacherSpec().toString(), Integer.toString(CONTEXT_LENGTH),
                Integer.toString(WORD_DIM), Integer.toString(HIDDEN_DIM), Float.toString(LEARNING_RATE), Float.toString(TEMPERATURE));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipe.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
