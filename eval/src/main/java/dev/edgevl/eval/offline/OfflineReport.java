package dev.edgevl.eval.offline;

import java.util.List;
import java.util.Map;

/**
 * What an offline evaluation measured: the EdgeVL paper's table in this world. Accuracies are
 * ground-truth shape top-1 on the held-out scenes, in [0, 1].
 */
public record OfflineReport(
        Setup setup,
        List<Row> rows,
        Sizes sizes,
        List<Speed> speeds,
        Map<String, Double> timings,
        List<Target> targets,
        String summary) {

    /** How the run was sized. */
    public record Setup(
            long seed,
            boolean quick,
            int trainScenes,
            int heldOutScenes,
            int labels,
            double chance,
            int teacherEpochs,
            int distillSteps,
            int pseudoLabelled,
            int qatSteps,
            boolean teacherFromCache,
            int stage2CheckScenes,
            int stage2ExportedStep,
            List<Double> stage2CheckAgreements) {}

    public record Row(String name, double rgbTop1, double depthTop1, double thermalTop1) {}

    public record Sizes(
            long teacherParameters,
            long teacherImageParameters,
            long teacherTextParameters,
            long teacherBytes,
            long studentParameters,
            long fp32OnnxBytes,
            long int8OnnxBytes) {}

    /** Student inference on ONNX Runtime, this machine. */
    public record Speed(String precision, int batch, double framesPerSecond) {}

    public record Target(String name, double value, double threshold, boolean met, String note) {}

    public Row row(String name) {
        return rows.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row " + name));
    }

    /** The table as text, one row per model. */
    public String table() {
        StringBuilder s = new StringBuilder(String.format("%-28s %8s %8s %8s%n", "model", "RGB", "depth", "thermal"));
        for (Row r : rows) {
            s.append(String.format(
                    "%-28s %7.1f%% %7.1f%% %7.1f%%%n",
                    r.name(), 100 * r.rgbTop1(), 100 * r.depthTop1(), 100 * r.thermalTop1()));
        }
        s.append(String.format(
                "chance %.1f%%; held-out scenes %d; training scenes %d%n",
                100 * setup.chance(), setup.heldOutScenes(), setup.trainScenes()));
        s.append(String.format(
                "sizes: teacher %,d params (%,d B as fp32), student %,d params, fp32 ONNX %,d B, int8 ONNX %,d B%n",
                sizes.teacherParameters(),
                sizes.teacherBytes(),
                sizes.studentParameters(),
                sizes.fp32OnnxBytes(),
                sizes.int8OnnxBytes()));
        for (Speed sp : speeds) {
            s.append(String.format(
                    "speed: %s batch %d: %.0f frames/s%n", sp.precision(), sp.batch(), sp.framesPerSecond()));
        }
        timings.forEach((k, v) -> s.append(String.format("time: %s %.1f s%n", k, v)));
        for (Target t : targets) {
            s.append(String.format(
                    "target %s: %s (%.3f vs %.3f) %s%n",
                    t.name(), t.met() ? "met" : "NOT met", t.value(), t.threshold(), t.note()));
        }
        return s.toString();
    }
}
