package dev.edgevl.distill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnchorPairsTest {
    @TempDir
    Path dir;

    @Test
    void savedPairsComeBackSplitByAHashIntoReplayedAndGatePairsThatNeverOverlap() throws Exception {
        AnchorPairs.save(TestSamples.stream("cam-0", 0, 200, i -> i % 4), dir);
        AnchorPairs a = AnchorPairs.load(dir.toString());
        AnchorPairs again = AnchorPairs.load(dir.toString());
        assertThat(a.size()).isEqualTo(200);
        assertThat((double) a.gate().size() / a.size()).isBetween(0.65, 0.85);
        Set<String> gate = new HashSet<>();
        a.gate().forEach(s -> gate.add(s.id()));
        assertThat(a.replay()).noneMatch(s -> gate.contains(s.id()));
        assertThat(again.gate())
                .as("the same split after a reload")
                .extracting(ReplayBuffer.Sample::id)
                .containsExactlyElementsOf(
                        a.gate().stream().map(ReplayBuffer.Sample::id).toList());
        assertThat(a.fits(TestSamples.TEACHER)).isTrue();
        assertThat(a.fits("another-teacher")).isFalse();
    }

    @Test
    void noneOrADirectoryWithoutThemGivesNone() {
        assertThat(AnchorPairs.load(InitialWeights.NONE).isEmpty()).isTrue();
        assertThat(AnchorPairs.load(dir.toString()).isEmpty()).isTrue();
        assertThat(AnchorPairs.load(dir.toString()).fits(TestSamples.TEACHER)).isFalse();
    }

    @Test
    void theBuiltinOnesWereEmbeddedByTheTeacherTheShippedStudentWasDistilledFrom() {
        AnchorPairs builtin = AnchorPairs.load(InitialWeights.BUILTIN);
        InitialWeights initial = InitialWeights.load(InitialWeights.BUILTIN).orElseThrow();
        assertThat(builtin.size()).isEqualTo(AnchorPairs.DEFAULT_COUNT);
        assertThat(builtin.fits(initial.provenance().get("teacher.id"))).isTrue();
        assertThat(builtin.gate())
                .allSatisfy(s -> assertThat(s.record().getPair().getRgb()).isNotNull());
    }
}
