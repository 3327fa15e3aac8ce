package dev.edgevl.distill;

import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.bundle.AtomicFiles;
import dev.edgevl.model.onnx.OnnxExporter;
import dev.edgevl.model.onnx.StudentBundles;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.student.StudentSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Stage-1 weights a distiller starts its first round from when it has no live version of its own: EdgeVL's offline
 * step, a student distilled from an unlabelled set of RGB + non-RGB pairs and the teacher's embeddings of the RGB images,
 * before the stream takes over. They fit one student layout and one teacher (the embedding space), both recorded beside
 * the weights with how they were made; weights that do not fit are not used.
 *
 * <p>{@code distill.initial-weights}: {@code builtin} (the set that ships with the project, made by
 * {@code edgevl distill bootstrap} from the committed teacher), {@code none}, or a directory written by that command.
 */
public record InitialWeights(byte[] weights, byte[] int8Onnx, Map<String, String> provenance) {
    public static final String BUILTIN = "builtin";
    public static final String NONE = "none";
    public static final String WEIGHTS_FILE = "student.params";
    public static final String PROPERTIES_FILE = "student.properties";
    /** The weights folded, calibrated on the same offline pairs and exported as the int8 graph the fleet runs: version 0. */
    public static final String INT8_FILE = "student.int8.onnx";
    /** Offline pairs the int8 export calibrates its activation ranges on. */
    public static final int CALIBRATION_PAIRS = 256;

    public static final String RESOURCE_DIR = "/dev/edgevl/distill/student/initial/";
    public static final String SOURCE_DIR = "distiller/src/main/resources" + RESOURCE_DIR;

    public InitialWeights {
        provenance = Map.copyOf(provenance);
    }

    /** @return empty for {@code none}, or for {@code builtin} when the project ships none */
    public static Optional<InitialWeights> load(String setting) {
        if (setting == null || setting.isBlank() || NONE.equals(setting)) {
            return Optional.empty();
        }
        try {
            if (BUILTIN.equals(setting)) {
                byte[] props = resource(PROPERTIES_FILE);
                byte[] weights = resource(WEIGHTS_FILE);
                return props == null || weights == null
                        ? Optional.empty()
                        : Optional.of(new InitialWeights(weights, resource(INT8_FILE), parse(props)));
            }
            Path dir = Path.of(setting);
            Path int8 = dir.resolve(INT8_FILE);
            return Optional.of(new InitialWeights(
                    Files.readAllBytes(dir.resolve(WEIGHTS_FILE)),
                    Files.exists(int8) ? Files.readAllBytes(int8) : null,
                    parse(Files.readAllBytes(dir.resolve(PROPERTIES_FILE)))));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read the initial student weights '" + setting + "': " + e.getMessage(), e);
        }
    }

    /**
     * Distils them: stage 1 only, on {@code pairs} (frames and the teacher's embeddings; nothing else).
     *
     * @param provenance how they were made (command, seed, pair count…), kept beside them
     */
    public static InitialWeights train(
            List<TeacherEmbedding> pairs,
            RoundSettings settings,
            long seed,
            RoundListener listener,
            Map<String, String> provenance) {
        List<ReplayBuffer.Sample> samples = samples(pairs);
        Map<String, Double> metrics = new LinkedHashMap<>();
        long started = System.nanoTime();
        TrainingRound round = round(settings, listener);
        TrainingRound.Stage1 stage1 = round.stage1(samples, null, seed, metrics);
        byte[] weights = stage1.weights();
        byte[] int8 = int8(round, stage1.folded(), samples, seed);
        StudentSpec spec = settings.student(samples.get(0).teacher().length);
        Map<String, String> p = new TreeMap<>(provenance);
        p.put("teacher.id", pairs.get(0).getTeacherId());
        p.put("student.input-size", Integer.toString(spec.inputSize()));
        p.put("student.stem", Integer.toString(spec.stemChannels()));
        p.put("student.blocks", spec.blocksText());
        p.put("student.embedding-dim", Integer.toString(spec.embeddingDim()));
        p.put("pairs", Integer.toString(pairs.size()));
        p.put("epochs", Integer.toString(settings.epochs()));
        p.put("seed", Long.toString(seed));
        p.put("stage1.loss", String.format(java.util.Locale.ROOT, "%.4f", metrics.get("stage1.loss")));
        p.put("seconds", Long.toString(Math.round((System.nanoTime() - started) / 1e9)));
        return new InitialWeights(weights, int8, p);
    }

    /**
     * These weights with their int8 export made again: folded and calibrated on {@code pairs} (the offline pairs they
     * were distilled on, or the first of them), as {@link #train} does. For weights made before the int8 export shipped.
     */
    public InitialWeights withInt8(List<TeacherEmbedding> pairs, RoundSettings settings, long seed) {
        List<ReplayBuffer.Sample> samples = samples(pairs);
        TrainingRound round = round(settings, RoundListener.NONE);
        byte[] int8 = int8(round, round.fold(weights, samples.get(0).teacher().length), samples, seed);
        return new InitialWeights(weights, int8, provenance);
    }

    private static TrainingRound round(RoundSettings settings, RoundListener listener) {
        return new TrainingRound(
                settings,
                new PairTensors(StudentBundles.inputSpec(StudentBundles.input(settings.inputSize()))),
                listener);
    }

    private static byte[] int8(
            TrainingRound round, FoldedStudent folded, List<ReplayBuffer.Sample> samples, long seed) {
        List<ReplayBuffer.Sample> calibration = samples.subList(0, Math.min(CALIBRATION_PAIRS, samples.size()));
        return OnnxExporter.exportInt8(round.calibrate(folded, calibration, seed));
    }

    private static List<ReplayBuffer.Sample> samples(List<TeacherEmbedding> pairs) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("the initial student needs pairs to learn from");
        }
        List<ReplayBuffer.Sample> samples = new ArrayList<>(pairs.size());
        for (TeacherEmbedding e : pairs) {
            samples.add(ReplayBuffer.Sample.of(
                    ReplayBuffer.identity(e.getPair().getAux()), e, 0, ReplayBuffer.Slice.TRAIN));
        }
        return samples;
    }

    /**
     * How they were made, as the numeric {@code offline.*} metrics of version 0's manifest (pairs, epochs, seed, stage-1
     * loss, training seconds); {@code offline.initial} = 1 marks a version distilled offline rather than by a round.
     */
    public Map<String, Double> provenanceMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("offline.initial", 1.0);
        for (String key : List.of("pairs", "epochs", "seed", "stage1.loss", "seconds")) {
            try {
                m.put("offline." + key, Double.parseDouble(provenance.getOrDefault(key, "")));
            } catch (NumberFormatException e) {
                // not recorded, or not a number: left out
            }
        }
        return m;
    }

    /** Whether the int8 export (version 0) ships with them. */
    public boolean hasInt8() {
        return int8Onnx != null && int8Onnx.length > 0;
    }

    /** Whether they were made for this student layout and this teacher. */
    public boolean fits(StudentSpec spec, String teacherId) {
        return spec.blocksText().equals(provenance.get("student.blocks"))
                && Integer.toString(spec.inputSize()).equals(provenance.get("student.input-size"))
                && Integer.toString(spec.stemChannels()).equals(provenance.get("student.stem"))
                && Integer.toString(spec.embeddingDim()).equals(provenance.get("student.embedding-dim"))
                && teacherId != null
                && teacherId.equals(provenance.get("teacher.id"));
    }

    public String describe() {
        return "the initial student distilled offline from " + provenance.getOrDefault("pairs", "?")
                + " pairs of teacher " + provenance.getOrDefault("teacher.id", "?");
    }

    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(WEIGHTS_FILE), weights, false);
        saveInt8(dir);
        Properties props = new Properties();
        props.putAll(provenance);
        StringWriter text = new StringWriter();
        props.store(text, "How these initial student weights were made (edgevl distill bootstrap)");
        AtomicFiles.write(dir.resolve(PROPERTIES_FILE), text.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    /** Writes the int8 export alone (when there is one), leaving the weights and their provenance as they are. */
    public void saveInt8(Path dir) throws IOException {
        if (hasInt8()) {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(INT8_FILE), int8Onnx, false);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = InitialWeights.class.getResourceAsStream(RESOURCE_DIR + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static Map<String, String> parse(byte[] bytes) throws IOException {
        Properties props = new Properties();
        props.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        Map<String, String> out = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
        return out;
    }
}
