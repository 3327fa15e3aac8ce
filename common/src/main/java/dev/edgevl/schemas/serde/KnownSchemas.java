package dev.edgevl.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The writer schemas a single-object reader can decode, by their 64-bit fingerprint. Single-object
 * messages carry only a fingerprint, so every schema version a producer may still be writing must be
 * known here: the current generated classes, plus every released version kept under
 * {@value #HISTORY_DIR} (listed in its {@code index} file) so that old producers stay readable.
 */
public final class KnownSchemas {
    static final String HISTORY_DIR = "dev/edgevl/avro/history/";

    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

    /** The current schemas of every record in the contract plus the recorded history. */
    public static KnownSchemas standard() {
        KnownSchemas known = new KnownSchemas();
        RecordTypes.ALL.forEach(type -> known.add(RecordTypes.schemaOf(type)));
        historyFiles().forEach(known::addJson);
        return known;
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    public KnownSchemas add(Schema schema) {
        byFingerprint.put(fingerprint(schema), schema);
        return this;
    }

    public Optional<Schema> find(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    public int size() {
        return byFingerprint.size();
    }

    private void addJson(String json) {
        add(new Schema.Parser().parse(json));
    }

    /** The recorded schema versions, as JSON texts, in the order of the index. */
    public static List<String> historyFiles() {
        ClassLoader loader = KnownSchemas.class.getClassLoader();
        try (InputStream index = loader.getResourceAsStream(HISTORY_DIR + "index")) {
            if (index == null) {
                return List.of();
            }
            List<String> names = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8))
                    .lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
            return names.stream().map(name -> read(loader, HISTORY_DIR + name)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The schema history index names " + resource + " but it is not on the class path.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
