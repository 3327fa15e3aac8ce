package dev.edgevl.model.teacher;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Block;
import dev.edgevl.model.clip.ClipPretrainer;
import dev.edgevl.model.clip.WordVocabulary;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
    /** A teacher's files, in the order they are written: the vocabulary last, as the mark of a complete entry. */
    static final List<String> FILES = List.of(IMAGE_WEIGHTS, TEXT_WEIGHTS, DESCRIPTION, VOCABULARY);

    private static final String ID = "id";

    private SyntheticTeacherFiles() {}

    /** The directory of the teacher trained by the recipe whose hash is {@code key}. */
    public static Path directory(Path cacheRoot, String key) {
        return cacheRoot.resolve(PREFIX + key);
    }

    /** Whether {@code dir} holds a completely written teacher. */
    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(VOCABULARY)) && Files.isRegularFile(dir.resolve(DESCRIPTION));
    }

    public static void save(SyntheticTeacher teacher, Path dir) {
        try {
            Files.createDirectories(dir);
            // Overwriting an entry (a forced pretraining): it stops counting as complete until it is again.
            Files.deleteIfExists(dir.resolve(VOCABULARY));
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
            Files.move(
                    tmp, dir.resolve(VOCABULARY), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the teacher to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalStateException saying what is wrong with the directory and what to do */
    public static SyntheticTeacher load(Path dir) {
        if (!isComplete(dir)) {
            throw new IllegalStateException("There is no complete synthetic teacher in " + dir + " (" + DESCRIPTION
                    + " and " + VOCABULARY + " are needed); pretrain one with 'edgevl teacher pretrain'.");
        }
        try {
            return read(name -> Files.newInputStream(dir.resolve(name)), "synthetic-clip@" + dir.getFileName());
        } catch (IOException | MalformedModelException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "The synthetic teacher in " + dir + " cannot be read (" + e.getMessage()
                            + "); delete the directory and pretrain again.",
                    e);
        }
    }

    /** Opens one of a teacher's files by name: from a directory, or from wherever else a teacher is kept. */
    @FunctionalInterface
    interface FileSource {
        InputStream open(String name) throws IOException;
    }

    /**
     * Reads a teacher from its four files, wherever they are: the one way a teacher is loaded.
     *
     * @param fallbackId the teacher's id when its description names none
     */
    static SyntheticTeacher read(FileSource files, String fallbackId) throws IOException, MalformedModelException {
        Map<String, String> description;
        try (Reader in = new InputStreamReader(files.open(DESCRIPTION), StandardCharsets.UTF_8)) {
            description = readProperties(in);
        }
        TeacherRecipe recipe = TeacherRecipe.fromProperties(description);
        List<String> words;
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(files.open(VOCABULARY), StandardCharsets.UTF_8))) {
            words = in.lines().toList();
        }
        WordVocabulary vocabulary = WordVocabulary.ofWords(words);
        ClipPretrainer towers = recipe.towers(vocabulary.size(), 1e-3f, 1, 0.07f, 0);
        try {
            loadBlock(towers.imageModel(), files.open(IMAGE_WEIGHTS));
            loadBlock(towers.textModel(), files.open(TEXT_WEIGHTS));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            towers.close();
            throw e;
        }
        return new SyntheticTeacher(towers, vocabulary, recipe, description.getOrDefault(ID, fallbackId));
    }

    private static void saveBlock(Block block, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            block.saveParameters(out);
        }
    }

    private static void loadBlock(Model model, InputStream file) throws IOException, MalformedModelException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(file))) {
            model.getBlock().loadParameters(model.getNDManager(), in);
        }
    }

    private static Map<String, String> readProperties(Reader in) throws IOException {
        Properties properties = new Properties();
        properties.load(in);
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
