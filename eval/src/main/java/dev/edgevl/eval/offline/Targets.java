package dev.edgevl.eval.offline;

import java.util.ArrayList;
import java.util.List;

/** The offline accuracy and size targets (docs/targets.md), checked against one run's figures. */
final class Targets {
    private Targets() {}

    static List<OfflineReport.Target> of(List<OfflineReport.Row> rows, OfflineReport.Sizes sizes) {
        OfflineReport.Row teacher = find(rows, OfflineEvaluation.TEACHER);
        OfflineReport.Row fp32 = find(rows, OfflineEvaluation.STUDENT_FP32);
        OfflineReport.Row ptq = find(rows, OfflineEvaluation.STUDENT_PTQ);
        OfflineReport.Row int8 = find(rows, OfflineEvaluation.STUDENT_QAT);
        List<OfflineReport.Target> out = new ArrayList<>();
        double ratio = teacher.rgbTop1() == 0 ? 0 : int8.depthTop1() / teacher.rgbTop1();
        out.add(new OfflineReport.Target(
                "int8 student on depth >= 95% of teacher on RGB", ratio, 0.95, ratio >= 0.95, "ratio of top-1s"));
        double gain = 100 * (int8.depthTop1() - teacher.depthTop1());
        out.add(new OfflineReport.Target(
                "int8 student on depth beats teacher on depth by >= 15 points",
                gain,
                15,
                gain >= 15,
                "points of top-1"));
        // One-sided: stage 2 trains as well as quantizes, and a gain over fp32 is no quantization error.
        double loss = 100 * (fp32.depthTop1() - int8.depthTop1());
        out.add(new OfflineReport.Target(
                "int8 (stage 2) loses at most 1 point against the fp32 student on depth",
                loss,
                1,
                loss <= 1,
                String.format(
                        "points lost (negative = gained); post-training int8 alone loses %.1f",
                        100 * (fp32.depthTop1() - ptq.depthTop1()))));
        double smaller = (double) sizes.fp32OnnxBytes() / sizes.int8OnnxBytes();
        out.add(new OfflineReport.Target(
                "int8 model >= 4x smaller than fp32",
                smaller,
                4,
                smaller >= 4,
                "fp32 ONNX bytes / int8 ONNX bytes; per output channel the int8 model stores 9 bytes (int32 bias, scale, zero point)"
                        + " where the float one stores a 4-byte bias"));
        double vsTeacher = (double) sizes.teacherBytes() / sizes.int8OnnxBytes();
        out.add(new OfflineReport.Target(
                "int8 model >= 50x smaller than teacher",
                vsTeacher,
                50,
                vsTeacher >= 50,
                "teacher fp32 parameter bytes (both towers) / int8 ONNX bytes"));
        return out;
    }

    static String summary(List<OfflineReport.Row> rows, List<OfflineReport.Target> targets) {
        OfflineReport.Row teacher = find(rows, OfflineEvaluation.TEACHER);
        OfflineReport.Row int8 = find(rows, OfflineEvaluation.STUDENT_QAT);
        StringBuilder s = new StringBuilder(String.format(
                "The teacher, pretrained on RGB only, labels %.1f%% of held-out RGB scenes and %.1f%% of depth frames by shape; "
                        + "the int8 student after stage 2 labels %.1f%% of depth and %.1f%% of RGB. ",
                100 * teacher.rgbTop1(), 100 * teacher.depthTop1(), 100 * int8.depthTop1(), 100 * int8.rgbTop1()));
        List<String> met = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (OfflineReport.Target t : targets) {
            (t.met() ? met : missed).add(String.format("%s (%.2f vs %.2f)", t.name(), t.value(), t.threshold()));
        }
        s.append(met.isEmpty() ? "No target is met. " : "Met: " + String.join("; ", met) + ". ");
        s.append(missed.isEmpty() ? "Every target is met." : "Not met: " + String.join("; ", missed) + ".");
        return s.toString();
    }

    private static OfflineReport.Row find(List<OfflineReport.Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
