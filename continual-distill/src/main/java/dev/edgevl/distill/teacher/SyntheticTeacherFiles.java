package dev.edgevl.distill.teacher;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Block;
import dev.edgevl.model.clip.ClipPretrainer;
import dev.edgevl.model.clip.WordVocabulary;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where a synthetic teacher lives on disk. A cache holds one directory per training recipe,
 * {@code teacher-<key>}, each with the two towers' weights, {@code teacher.properties} (its id and
 * {@link TeacherRecipe}) and {@code vocabulary.txt}, written last: its presence says the entry is complete.
 */
public final class SyntheticTeacherFiles {
    static final String PREFIX = "teacher-";
    static final String IMAGE_WEIGHTS = "image.params";
    static final String TEXT_WEIGHTS = "text.params";
    static final String DESCRIPTION = "teacher.properties";
    static final String VOCABULARY = "vocabulary.txt";
    private static final String ID = "id";

    private SyntheticTeacherFiles() {
    }

    /** The directory of the teacher trained by the recipe whose hash is {@code key}. */
    public static Path directory(Path cacheRoot, String key) {
        return cacheRoot.resolve(PREFIX + key);
    }

    /** Whether {@code dir} holds a completely written teacher. */
    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(VOCABULARY)) && Files.isRegularFile(dir.resolve(DESCRIPTION));
    }

    /** The most recently written complete teacher under {@code cacheRoot}, if any. */
    public static Optional<Path> latest(Path cacheRoot) {
        if (!Files.isDirectory(cacheRoot)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(cacheRoot)) {
            return entries.filter(d -> d.getFileName().toString().startsWith(PREFIX) && isComplete(d))
                    .max(Comparator.comparing(SyntheticTeacherFiles::writtenAt));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the teacher cache " + cacheRoot + ": " + e.getMessage(), e);
        }
    }

    public static void save(SyntheticTeacher teacher, Path dir) {
        try {
            Files.createDirectories(dir);
            saveBlock(teacher.towers().imageModel().getBlock(), dir.resolve(IMAGE_WEIGHTS));
            saveBlock(teacher.towers().textModel().getBlock(), dir.resolve(TEXT_WEIGHTS));
            Properties description = new Properties();
            description.setProperty(ID, teacher.id());
            description.putAll(teacher.recipe().toProperties());
            try (Writer out = Files.newBufferedWriter(dir.resolve(DESCRIPTION), StandardCharsets.UTF_8)) {
                description.store(out, "The synthetic teacher's towers; the weights are beside this file.");
            }
            Path tmp = dir.resolve(VOCABULARY + ".tmp");
            Files.write(tmp, teacher.vocabulary().words(), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(VOCABULARY), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the teacher to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalStateException saying what is wrong with the directory and what to do */
    public static SyntheticTeacher load(Path dir) {
        if (!isComplete(dir)) {
            throw new IllegalStateException("There is no complete synthetic teacher in " + dir + " (" + DESCRIPTION + " and " + VOCABULARY
                    + " are needed); pretrain one with 'edgevl teacher pretrain'.");
        }
        try {
            Map<String, String> description = readProperties(dir.resolve(DESCRIPTION));
            TeacherRecipe recipe = TeacherRecipe.fromProperties(description);
            WordVocabulary vocabulary = WordVocabulary.ofWords(Files.readAllLines(dir.resolve(VOCABULARY), StandardCharsets.UTF_8));
            ClipPretrainer towers = recipe.towers(vocabulary.size(), 1e-3f, 1, 0.07f, 0);
            try {
                loadBlock(towers.imageModel(), dir.resolve(IMAGE_WEIGHTS));
                loadBlock(towers.textModel(), dir.resolve(TEXT_WEIGHTS));
            } catch (IOException | MalformedModelException | RuntimeException e) {
                towers.close();
                throw e;
            }
            String id = description.getOrDefault(ID, "synthetic-clip@" + dir.getFileName());
            return new SyntheticTeacher(towers, vocabulary, recipe, id);
        } catch (IOException | MalformedModelException | IllegalArgumentException e) {
            throw new IllegalStateException("The synthetic teacher in " + dir + " cannot be read (" + e.getMessage()
                    + "); delete the directory and pretrain again.", e);
        }
    }

    private static void saveBlock(Block block, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            block.saveParameters(out);
        }
    }

    private static void loadBlock(Model model, Path file) throws IOException, MalformedModelException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            model.getBlock().loadParameters(model.getNDManager(), in);
        }
    }

    private static Map<String, String> readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }

    private static FileTime writtenAt(Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve(VOCABULARY));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
