package dev.edgevl.model.teacher;

import ai.djl.MalformedModelException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The synthetic teacher that ships with the project: the one {@code ./edgevl teacher pretrain --seed 1} trains
 * (several minutes on two cores), committed as a classpath resource so that a fresh checkout need not pretrain
 * before it serves or evaluates. Beside the teacher's own files, {@value #PROVENANCE} records how it was made:
 * the seed, the cache key of the recipe, the command, the date, the project version, how long it took, and the
 * SHA-256 of each file, checked whenever the files are read.
 *
 * <p>Nothing here trains or changes a teacher: the files are read exactly as a cache entry is read
 * ({@link SyntheticTeacherFiles}), either from a copy in a cache directory or straight from the classpath.
 */
public final class CommittedTeacher {
    /** Where the committed teacher's files are on the classpath. */
    public static final String RESOURCE_DIR = "/dev/edgevl/model/teacher/pretrained/seed-1/";
    /** Where those files are in the project's source tree: what {@code edgevl teacher pretrain --export} writes to make them again. */
    public static final String SOURCE_DIR = "model/src/main/resources" + RESOURCE_DIR;
    /** The file that says how the committed teacher was made. */
    public static final String PROVENANCE = "pretrained.properties";

    private final Properties provenance;

    private CommittedTeacher(Properties provenance) {
        this.provenance = provenance;
    }

    /** The committed teacher, or empty when this build carries none. */
    public static Optional<CommittedTeacher> find() {
        try (InputStream in = CommittedTeacher.class.getResourceAsStream(RESOURCE_DIR + PROVENANCE)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                p.load(reader);
            }
            CommittedTeacher teacher = new CommittedTeacher(p);
            teacher.key();
            teacher.seed();
            return Optional.of(teacher);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the committed teacher's " + PROVENANCE + ": " + e.getMessage(), e);
        }
    }

    /** The hash of the recipe that trained it, the {@code teacher-<key>} of its cache entry. */
    public String key() {
        return required("key");
    }

    public long seed() {
        try {
            return Long.parseLong(required("seed").trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(
                    "The committed teacher's " + PROVENANCE + " has a seed that is no number: "
                            + provenance.getProperty("seed"),
                    e);
        }
    }

    /** The teacher's id, as its {@code teacher.properties} has it. */
    public String id() {
        return required("id");
    }

    /** The project's command line that pretrained it. */
    public String command() {
        return required("command");
    }

    /** Every entry of {@value #PROVENANCE}, e.g. {@code date}, {@code version}, {@code pretraining-seconds}. */
    public String provenance(String name) {
        return provenance.getProperty(name);
    }

    /** One line for a log: which teacher this is and how it was made. */
    public String describe() {
        return "the committed pretrained teacher " + id() + " (seed " + seed() + ", made by '" + command() + "' on "
                + provenance("date") + ", version " + provenance("version") + ")";
    }

    /**
     * Copies the committed files into {@code cacheRoot}'s entry for {@link #key()}, the vocabulary last, so
     * the entry is complete only once every file is there, and returns that entry's directory.
     *
     * @throws IOException when the cache cannot be written
     */
    public Path copyTo(Path cacheRoot) throws IOException {
        Path dir = SyntheticTeacherFiles.directory(cacheRoot, key());
        Files.createDirectories(dir);
        for (String name : SyntheticTeacherFiles.FILES) {
            byte[] bytes = bytes(name);
            Path tmp = Files.createTempFile(dir, name, ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return dir;
    }

    /** The committed teacher read straight from the classpath, through the same reader as a cache entry. */
    public SyntheticTeacher load() {
        try {
            return SyntheticTeacherFiles.read(name -> new ByteArrayInputStream(bytes(name)), id());
        } catch (IOException | MalformedModelException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "The committed teacher at " + RESOURCE_DIR + " cannot be read (" + e.getMessage() + ").", e);
        }
    }

    /**
     * One of the committed files, checked against the SHA-256 that {@value #PROVENANCE} records.
     *
     * @throws IllegalStateException when it is missing or its bytes are not the ones committed
     */
    byte[] bytes(String name) throws IOException {
        byte[] bytes;
        try (InputStream in = CommittedTeacher.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The committed teacher's " + name + " is missing from " + RESOURCE_DIR + ".");
            }
            bytes = in.readAllBytes();
        }
        String expected = required("sha256." + name);
        String actual = sha256(bytes);
        if (!actual.equalsIgnoreCase(expected.trim())) {
            throw new IllegalStateException("The committed teacher's " + name + " has SHA-256 " + actual + ", not the "
                    + expected + " that "
                    + PROVENANCE
                    + " records: the file was changed or damaged (a checkout that converted line endings? they are marked"
                    + " binary in .gitattributes). Restore it from git, or make it again with '" + command() + "'.");
        }
        return bytes;
    }

    /**
     * Lays out a teacher as the committed one is: copies the cache entry {@code entry}'s files into {@code target}
     * and writes {@value #PROVENANCE} beside them, with {@code provenance} (seed, key, id, command, …, in this
     * order) and the SHA-256 of every file. This is how the committed teacher is made again
     * ({@code edgevl teacher pretrain --export DIR}).
     */
    public static void export(Path entry, Path target, Map<String, String> provenance) throws IOException {
        if (!SyntheticTeacherFiles.isComplete(entry)) {
            throw new IllegalStateException("There is no complete synthetic teacher in " + entry + " to export.");
        }
        Files.createDirectories(target);
        StringBuilder out = new StringBuilder();
        out.append("# How the synthetic teacher beside this file was made (edgevl teacher pretrain --export).\n");
        out.append(
                "# The build checks that key is the cache key of OfflineConfig.defaults(seed), and every file's SHA-256 below.\n");
        provenance.forEach((name, value) -> out.append(line(name, value)));
        for (String name : SyntheticTeacherFiles.FILES) {
            byte[] bytes = Files.readAllBytes(entry.resolve(name));
            Files.write(target.resolve(name), bytes);
            out.append(line("sha256." + name, sha256(bytes)));
        }
        Files.writeString(target.resolve(PROVENANCE), out, StandardCharsets.UTF_8);
    }

    private static String line(String name, String value) {
        if (!name.matches("[A-Za-z0-9.-]+")
                || value == null
                || value.chars().anyMatch(c -> c < 0x20 || c == '\\' || c > 0x7e)) {
            throw new IllegalArgumentException("cannot record " + name + "=" + value + " in " + PROVENANCE);
        }
        return name + "=" + value + "\n";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private String required(String name) {
        String value = provenance.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("The committed teacher's " + PROVENANCE + " lacks the entry " + name + ".");
        }
        return value;
    }
}
