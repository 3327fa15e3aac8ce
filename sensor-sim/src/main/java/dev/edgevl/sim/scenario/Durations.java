package dev.edgevl.sim.scenario;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in scenario files: {@code 500ms}, {@code 90s}, {@code 1.5s},
 * {@code 5m}, {@code 1m30s}, {@code 2h}, {@code 250us}, or ISO-8601 ({@code PT1M30S}). A bare number is refused
 * unless it is 0, because "at: 90" could mean seconds or milliseconds.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|h)");
    private static final Pattern WHOLE = Pattern.compile("-?(\\d+(?:\\.\\d+)?\\s*(us|ms|s|m|h)\\s*)+");

    private Durations() {}

    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (WHOLE.matcher(t).matches()) {
            BigDecimal nanos = BigDecimal.ZERO;
            Matcher m = PART.matcher(t);
            while (m.find()) {
                BigDecimal nanosPerUnit = BigDecimal.valueOf(
                        switch (m.group(2)) {
                            case "us" -> 1_000L;
                            case "ms" -> 1_000_000L;
                            case "s" -> 1_000_000_000L;
                            case "m" -> 60_000_000_000L;
                            default -> 3_600_000_000_000L;
                        });
                nanos = nanos.add(new BigDecimal(m.group(1)).multiply(nanosPerUnit));
            }
            long total = nanos.longValue();
            return Duration.ofNanos(t.startsWith("-") ? -total : total);
        }
        if (t.startsWith("pt") || t.startsWith("-pt") || t.startsWith("p")) {
            try {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not a duration; write it like 500ms, 90s, 1.5s, 5m, 1m30s or 2h");
    }

    /** The shortest of the forms {@link #parse} reads that says exactly {@code d}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return BigDecimal.valueOf(nanos, 3).stripTrailingZeros().toPlainString() + "us";
    }
}
