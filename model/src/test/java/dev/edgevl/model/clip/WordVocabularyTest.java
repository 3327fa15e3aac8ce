package dev.edgevl.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordVocabularyTest {
    @Test
    void wordsGetStableIdsPaddingAndUnknownsAreReserved() {
        WordVocabulary v = WordVocabulary.of(List.of("a small red cube", "A large blue Sphere."));
        WordVocabulary same = WordVocabulary.of(List.of("A large blue Sphere.", "a small red cube"));
        assertThat(v.words()).isEqualTo(same.words()).contains("cube", "sphere").doesNotContain("Sphere.");
        int[] ids = v.encode("a red torus", 5);
        assertThat(ids[0]).isGreaterThan(WordVocabulary.UNKNOWN);
        assertThat(ids[2]).isEqualTo(WordVocabulary.UNKNOWN);
        assertThat(ids[3]).isEqualTo(WordVocabulary.PAD);
        assertThat(v.encode("a small red cube on a grey floor", 3)).hasSize(3);
        assertThat(v.size()).isEqualTo(v.words().size() + 2);
    }
}
