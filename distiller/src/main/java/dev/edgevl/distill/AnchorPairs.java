package dev.edgevl.distill;

import dev.edgevl.avro.TeacherEmbedding;
import dev.edgevl.model.bundle.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Pairs whose teacher embeddings the project already has: RGB + depth pairs of the offline world the initial student was
 * distilled from, rendered past the ones it trained on, embedded by the same teacher, and shipped beside its weights.
 * They never change during a run. A quarter of them (chosen by a hash of the pair) are <b>replayed</b> in every round's
 * training, so a round cannot drift away from what the shipped student was good at; the other three quarters are part
 * of every <b>gate</b> verdict, so a candidate that forgot it is caught on pairs no round ever trained on, and so the
 * gate has enough pairs to judge the first round (the stream's held-out slice is small then).
 *
 * <p>{@code distill.initial-weights} says where they are: {@code builtin}, {@code none}, or a directory written by
 * {@code edgevl distill bootstrap} ({@value #FILE}, an Avro data file of {@code TeacherEmbedding} records).
 */
public record AnchorPairs(List<ReplayBuffer.Sample> replay, List<ReplayBuffer.Sample> gate, String teacherId) {
    public static final String FILE = "anchor-pairs.avro";
    /** Anchor pairs the bootstrap renders by default. */
    public static final int DEFAULT_COUNT = 256;
    /** Share of the anchor pairs the gate judges on; the rest are replayed in training. */
    static final double GATE_SHARE = 0.75;

    public AnchorPairs {
        replay = List.copyOf(replay);
        gate = List.copyOf(gate);
    }

    public static AnchorPairs none() {
        return new AnchorPairs(List.of(), List.of(), null);
    }

    /** Splits embedded pairs into the replayed and the gate's half. */
    public static AnchorPairs of(List<TeacherEmbedding> pairs) {
        List<ReplayBuffer.Sample> replay = new ArrayList<>();
        List<ReplayBuffer.Sample> gate = new ArrayList<>();
        String teacher = null;
        for (TeacherEmbedding e : pairs) {
            String id = "anchor/" + ReplayBuffer.identity(e.getPair().getAux());
            boolean forGate = ReplayBuffer.unit(id, "anchor-gate") < GATE_SHARE;
            ReplayBuffer.Sample s = ReplayBuffer.Sample.of(
                    id,
                    e,
                    ReplayBuffer.unit(id, "reservoir"),
                    forGate ? ReplayBuffer.Slice.HELD_OUT : ReplayBuffer.Slice.TRAIN);
            (forGate ? gate : replay).add(s);
            teacher = teacher == null ? e.getTeacherId() : teacher;
        }
        return new AnchorPairs(replay, gate, teacher);
    }

    /** The anchor pairs {@code distill.initial-weights} names; none when it says none or the set ships without them. */
    public static AnchorPairs load(String setting) {
        if (setting == null || setting.isBlank() || InitialWeights.NONE.equals(setting)) {
            return none();
        }
        try {
            if (InitialWeights.BUILTIN.equals(setting)) {
                try (InputStream in = AnchorPairs.class.getResourceAsStream(InitialWeights.RESOURCE_DIR + FILE)) {
                    return in == null ? none() : of(read(in));
                }
            }
            Path file = Path.of(setting).resolve(FILE);
            if (!Files.exists(file)) {
                return none();
            }
            try (InputStream in = Files.newInputStream(file)) {
                return of(read(in));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the anchor pairs of '" + setting + "': " + e.getMessage(), e);
        }
    }

    /** Whether they were embedded by this teacher (else they are no target in its space and are not used). */
    public boolean fits(String liveTeacherId) {
        return teacherId != null && teacherId.equals(liveTeacherId);
    }

    public boolean isEmpty() {
        return replay.isEmpty() && gate.isEmpty();
    }

    public int size() {
        return replay.size() + gate.size();
    }

    public static void save(List<TeacherEmbedding> pairs, Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataFileWriter<TeacherEmbedding> writer =
                new DataFileWriter<>(new SpecificDatumWriter<>(TeacherEmbedding.class))) {
            writer.setCodec(CodecFactory.deflateCodec(9));
            writer.create(TeacherEmbedding.getClassSchema(), bytes);
            for (TeacherEmbedding e : pairs) {
                writer.append(e);
            }
        }
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(FILE), bytes.toByteArray(), false);
    }

    static List<TeacherEmbedding> read(InputStream in) throws IOException {
        List<TeacherEmbedding> out = new ArrayList<>();
        try (DataFileStream<TeacherEmbedding> stream =
                new DataFileStream<>(in, new SpecificDatumReader<>(TeacherEmbedding.class))) {
            while (stream.hasNext()) {
                out.add(stream.next());
            }
        }
        return out;
    }

    /** For logs. */
    public String describe() {
        return isEmpty()
                ? "no anchor pairs"
                : String.format("%d anchor pairs (%d replayed, %d for the gate)", size(), replay.size(), gate.size());
    }
}
