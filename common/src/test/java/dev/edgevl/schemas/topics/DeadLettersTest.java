package dev.edgevl.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgevl.schemas.serde.RecordDecodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static ConsumerRecord<byte[], byte[]> failed() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.ERROR_MESSAGE, "an older reason".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>(
                "frames.rgb",
                2,
                41L,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME,
                5,
                3,
                "dev-1".getBytes(),
                new byte[] {1, 2, 3},
                headers,
                Optional.empty());
    }

    @Test
    void theDeadLetterKeepsTheBytesAndSaysWhyAndWhereFrom() {
        RecordDecodingException error = new RecordDecodingException(
                "frames.rgb",
                "SensorFrame",
                RecordDecodingException.Problem.WRONG_MAGIC,
                "the first byte is 07.",
                null);
        ProducerRecord<byte[], byte[]> letter = DeadLetters.record(failed(), error, "frame-sync");

        assertThat(letter.topic()).isEqualTo("frames.rgb.dlq");
        assertThat(letter.key()).isEqualTo("dev-1".getBytes());
        assertThat(letter.value()).containsExactly(1, 2, 3);
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.ERROR_CLASS))
                .contains(RecordDecodingException.class.getName());
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.ERROR_MESSAGE))
                .contains(error.getMessage());
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_TOPIC))
                .contains("frames.rgb");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_PARTITION))
                .contains("2");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_OFFSET))
                .contains("41");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_TIMESTAMP))
                .contains("1700000000000");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.STAGE)).contains("frame-sync");
        assertThat(DeadLetters.header(letter.headers(), "trace-id")).contains("abc");
        // The reason of an earlier failure is replaced, not stacked.
        assertThat(letter.headers().headers(DeadLetters.ERROR_MESSAGE)).hasSize(1);
    }

    @Test
    void causesAreChainedAndLongMessagesCut() {
        Exception error = new IllegalStateException("outer", new IllegalArgumentException("inner"));
        assertThat(DeadLetters.describe(error)).isEqualTo("outer | caused by IllegalArgumentException: inner");
        String huge = "x".repeat(10_000);
        assertThat(DeadLetters.describe(new RuntimeException(huge))).hasSize(DeadLetters.MAX_MESSAGE_CHARS);
        assertThat(DeadLetters.describe(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Test
    void anUnknownPositionIsRecordedAsMinusOne() {
        var headers = DeadLetters.headers(
                new DeadLetters.Source("frames.paired", -1, -1L, null),
                new RuntimeException("boom"),
                null,
                Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(headers)
                .containsEntry(DeadLetters.SOURCE_OFFSET, "-1")
                .doesNotContainKey(DeadLetters.SOURCE_TIMESTAMP)
                .containsEntry(DeadLetters.FAILED_AT, "2026-01-01T00:00:00Z");
    }
}
