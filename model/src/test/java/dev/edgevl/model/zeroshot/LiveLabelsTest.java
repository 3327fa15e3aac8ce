package dev.edgevl.model.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.avro.LabelEmbedding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LiveLabelsTest {
    private static final String TEACHER = "teacher-a";

    static LabelEmbedding record(String label, String teacher, float... embedding) {
        List<Float> values = new ArrayList<>();
        for (float x : embedding) {
            values.add(x);
        }
        return LabelEmbedding.newBuilder()
                .setLabel(label)
                .setTeacherId(teacher)
                .setEmbedding(values)
                .setEmbeddedTime(Instant.parse("2026-12-01T00:00:00Z"))
                .build();
    }

    private static LiveLabels threeGoodLabels() {
        return LiveLabels.NONE
                .apply("cube", record("cube", TEACHER, 1, 0, 0))
                .apply("sphere", record("sphere", TEACHER, 0, 1, 0))
                .apply("torus", record("torus", TEACHER, 0, 0, 2));
    }

    @Test
    void soundLabelsOfTheModelsTeacherAndSizeMakeTheSet() {
        LiveLabels.Selection s = threeGoodLabels().select(TEACHER, 3);

        assertThat(s.labels().labels()).containsExactly("cube", "sphere", "torus");
        assertThat(s.labels().embedding("torus")).containsExactly(0, 0, 1);
        assertThat(s.leftOut()).isEmpty();
        assertThat(s.teacherId()).isEqualTo(TEACHER);
    }

    @Test
    void unusableLabelsAreLeftOutWithAReasonAndNeverThrow() {
        LiveLabels live = threeGoodLabels()
                .apply("zero", record("zero", TEACHER, 0, 0, 0))
                .apply("nan", record("nan", TEACHER, 1, Float.NaN, 0))
                .apply("infinite", record("infinite", TEACHER, Float.POSITIVE_INFINITY, 0, 0))
                .apply("seven", record("seven", TEACHER, 1, 1, 1, 1, 1, 1, 1))
                .apply("empty", record("empty", TEACHER))
                .apply("foreign", record("foreign", "teacher-b", 0, 1, 1))
                .apply("mislabelled", record("something-else", TEACHER, 1, 1, 0))
                .apply(" ", record(" ", TEACHER, 1, 1, 1));

        LiveLabels.Selection s = live.select(TEACHER, 3);

        assertThat(s.labels().labels()).containsExactly("cube", "sphere", "torus");
        assertThat(s.leftOut())
                .extracting(LiveLabels.LeftOut::label)
                .containsExactly(" ", "empty", "foreign", "infinite", "mislabelled", "nan", "seven", "zero");
        assertThat(s.leftOut())
                .filteredOn(l -> l.label().equals("zero"))
                .singleElement()
                .extracting(LiveLabels.LeftOut::reason)
                .asString()
                .contains("all-zero");
        assertThat(s.leftOut())
                .filteredOn(l -> l.label().equals("seven"))
                .singleElement()
                .extracting(LiveLabels.LeftOut::reason)
                .asString()
                .contains("7 values")
                .contains("3");
        assertThat(s.leftOut())
                .filteredOn(l -> l.label().equals("foreign"))
                .singleElement()
                .extracting(LiveLabels.LeftOut::reason)
                .asString()
                .contains("teacher-b");
        assertThat(s.describe()).startsWith("Left out 8 of 11 live labels: ").endsWith("scoring with the other 3.");
    }

    @Test
    void withoutAModelTheTeacherAndSizeMostLabelsShareWin() {
        LiveLabels live = threeGoodLabels()
                .apply("wide", record("wide", TEACHER, 1, 0, 0, 0, 0))
                .apply("foreign", record("foreign", "teacher-b", 1, 0, 0))
                .apply("zero", record("zero", "teacher-b", 0, 0, 0));

        LiveLabels.Selection s = live.select(null, 0);

        assertThat(s.teacherId()).isEqualTo(TEACHER);
        assertThat(s.labels().labels()).containsExactly("cube", "sphere", "torus");
        assertThat(s.leftOut()).extracting(LiveLabels.LeftOut::label).containsExactly("foreign", "wide", "zero");
        assertThat(LiveLabels.NONE.select(null, 0).labels().isEmpty()).isTrue();
        assertThat(LiveLabels.NONE.select(null, 0).teacherId()).isNull();
    }

    @Test
    void aTombstoneRemovesALabelAndAReplacementCanMendIt() {
        LiveLabels broken = threeGoodLabels().apply("zero", record("zero", TEACHER, 0, 0, 0));
        LiveLabels mended = broken.apply("zero", record("zero", TEACHER, 1, 1, 0));

        assertThat(mended.select(TEACHER, 3).labels().labels()).contains("zero");
        assertThat(broken.apply("zero", null).select(TEACHER, 3).leftOut()).isEmpty();
        assertThat(broken.apply("zero", null).labels()).containsExactly("cube", "sphere", "torus");
        assertThat(broken.without("absent")).isSameAs(broken);
    }

    @Test
    void theReportLogsOnlyWhenWhatIsLeftOutChangesAndCountsIt() {
        List<String> lines = new ArrayList<>();
        // Records warn and info calls with their last argument (the sentence, or the reader's name).
        Logger log = (Logger) java.lang.reflect.Proxy.newProxyInstance(
                Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                    if ((method.getName().equals("warn") || method.getName().equals("info"))
                            && args != null
                            && args.length == 3) {
                        lines.add(method.getName().toUpperCase(java.util.Locale.ROOT) + " "
                                + (method.getName().equals("warn") ? args[2] : args[1]));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
        LeftOutLabels report = new LeftOutLabels(log, "The job");
        LiveLabels broken = threeGoodLabels().apply("zero", record("zero", TEACHER, 0, 0, 0));

        report.note(broken.select(TEACHER, 3));
        report.note(broken.apply("cone", record("cone", TEACHER, 1, 1, 1)).select(TEACHER, 3));
        assertThat(report.count()).isEqualTo(1);
        LabelSet mended = report.note(broken.without("zero").select(TEACHER, 3));

        assertThat(mended.size()).isEqualTo(3);
        assertThat(report.count()).isZero();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("WARN Left out 1 of 4 live labels: 'zero' (an all-zero embedding");
        assertThat(lines.get(1)).startsWith("INFO The job");
    }
}
