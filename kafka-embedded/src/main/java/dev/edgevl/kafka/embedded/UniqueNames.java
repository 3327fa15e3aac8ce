package dev.edgevl.kafka.embedded;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Names that no other test run has used, so integration tests sharing one broker (or one reused data dir) never
 * read each other's records. Plain Java, so other modules' test code can use it without a test framework here.
 */
public final class UniqueNames {

    // Kafka's legal topic characters. '.' is left out because Kafka treats '.' and '_' as colliding in metric names.
    private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9_-]{1,200}");

    private UniqueNames() {}

    /** {@code prefix} plus a dash and 12 random hex digits, e.g. {@code frames-3f9c0a71b2d4}; a valid topic or group name. */
    public static String uniqueName(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "A unique-name prefix must be 1 to 200 of a-z, A-Z, 0-9, '_' or '-', got '" + prefix + "'.");
        }
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
