package dev.edgevl.model.bundle;

import java.time.LocalDateTime;
import java.util.regex.Pattern;

/** The rules of the zip layout shared by the writer and the reader. */
final class BundleLayout {
    static final String MANIFEST = "manifest.json";

    /**
     * Set as a local date-time it is stored as plain DOS time with no extended-timestamp field, so the bytes do not
     * depend on the writer's time zone. Not 1980-01-01 00:00: the JDK reads that value as "before 1980" and adds
     * a zone-dependent extended timestamp after all.
     */
    static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    /**
     * Flat names only: no directories, no "..", nothing a careless extractor could write outside its folder, nothing
     * that looks different on another file system.
     */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private BundleLayout() {}

    static boolean isFileName(String name) {
        return name != null && FILE_NAME.matcher(name).matches() && !name.equals(MANIFEST);
    }

    /** A name from an untrusted zip, safe to put in a log line. */
    static String quote(String name) {
        StringBuilder out = new StringBuilder("'");
        name.codePoints().limit(80).forEach(c -> out.appendCodePoint(c >= 0x20 && c < 0x7f ? c : '?'));
        return out.append(name.length() > 80 ? "…'" : "'").toString();
    }
}
