package dev.edgevl.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.student.StudentSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A tiny contrastive pretraining smoke run: coloured squares and their captions come to agree. */
class ClipPretrainerTest {
    private static final int SIZE = 16;
    private static final int LENGTH = 6;
    private static final String[] COLOURS = {"red", "green", "blue"};
    private static final String[] PLACES = {"left", "right"};

    @Test
    void imagesComeToSitNextToTheirCaptions() {
        WordVocabulary vocabulary = WordVocabulary.of(List.of("a red green blue square on the left right"));
        StudentSpec imageSpec =
                new StudentSpec(SIZE, 8, List.of(new StudentSpec.Block(16, 2), new StudentSpec.Block(32, 2)), 16);
        TextTower text = new TextTower(vocabulary.size(), LENGTH, 8, 32, 16);
        Random random = new Random(4);
        int steps = 120;
        try (ClipPretrainer pretrainer =
                new ClipPretrainer(StudentNetwork.build(imageSpec), text, SIZE, LENGTH, 3e-3f, steps, 0.1f, 9)) {
            float first = 0;
            float last = 0;
            for (int i = 0; i < steps; i++) {
                Batch b = batch(random, 16, vocabulary);
                float loss = pretrainer.step(b.images, b.tokens, b.groups);
                if (i < 5) {
                    first += loss / 5;
                } else if (i >= steps - 10) {
                    last += loss / 10;
                }
            }
            assertThat(last).as("contrastive loss, last 10 steps vs first 5").isLessThan(first * 0.6f);

            // Zero-shot: each test image's nearest caption among the six is its own.
            Batch probe = batch(new Random(77), 12, vocabulary);
            float[][] img = pretrainer.encodeImages(probe.images, 12);
            int[] allTokens = new int[6 * LENGTH];
            for (int c = 0; c < 6; c++) {
                System.arraycopy(vocabulary.encode(caption(c), LENGTH), 0, allTokens, c * LENGTH, LENGTH);
            }
            float[][] txt = pretrainer.encodeTexts(allTokens, 6);
            int right = 0;
            for (int i = 0; i < 12; i++) {
                int best = 0;
                for (int c = 1; c < 6; c++) {
                    best = dot(img[i], txt[c]) > dot(img[i], txt[best]) ? c : best;
                }
                right += best == probe.groups[i] ? 1 : 0;
            }
            assertThat(right).as("test images whose own caption is nearest").isGreaterThanOrEqualTo(9);
        }
    }

    private record Batch(float[] images, int[] tokens, int[] groups) {}

    private static String caption(int group) {
        return "a " + COLOURS[group % 3] + " square on the " + PLACES[group / 3];
    }

    private static Batch batch(Random r, int n, WordVocabulary vocabulary) {
        float[] images = new float[n * 3 * SIZE * SIZE];
        int[] tokens = new int[n * LENGTH];
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
            int g = r.nextInt(6);
            groups[i] = g;
            int colour = g % 3;
            int x0 = g / 3 == 0 ? 1 : SIZE / 2 + 1;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        boolean inside = y > 4 && y < 11 && x >= x0 && x < x0 + 6;
                        images[((i * 3 + c) * SIZE + y) * SIZE + x] =
                                (inside && c == colour ? 1f : 0f) + 0.1f * (float) r.nextGaussian();
                    }
                }
            }
            System.arraycopy(vocabulary.encode(caption(g), LENGTH), 0, tokens, i * LENGTH, LENGTH);
        }
        return new Batch(images, tokens, groups);
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
