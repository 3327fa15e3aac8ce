package dev.edgevl.model.bundle;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import dev.edgevl.model.bundle.BundleException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads and writes {@code manifest.json}. Writing is byte-for-byte deterministic (map keys sorted, "\n" line ends
 * whatever the platform) because the manifest's bytes are part of the bundle's SHA-256.
 */
final class ManifestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("edgevl-instant")
                    .addSerializer(Instant.class, new InstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            // Two values for one key would let two readers see two different manifests.
            .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);

    private static final ObjectWriter WRITER =
            MAPPER.writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private ManifestJson() {}

    static byte[] write(BundleManifest manifest) {
        try {
            String json = WRITER.writeValueAsString(manifest) + "\n";
            return json.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the manifest of " + manifest.displayName(), e);
        }
    }

    /** Checks the format version before mapping, so a newer layout says "upgrade" rather than "corrupt". */
    static BundleManifest read(byte[] json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw corrupt("manifest.json is not valid JSON (" + firstLine(e) + ")", e);
        }
        if (tree == null || !tree.isObject()) {
            throw corrupt("manifest.json is not a JSON object", null);
        }
        JsonNode format = tree.get("formatVersion");
        if (format == null || !format.canConvertToExactIntegral() || format.asInt() < 1) {
            throw corrupt("manifest.json has no valid formatVersion", null);
        }
        if (format.asInt() > BundleManifest.FORMAT_VERSION) {
            throw new BundleException(
                    Reason.UNSUPPORTED_FORMAT,
                    "The model bundle has format version " + format.asInt()
                            + " but this reader understands up to " + BundleManifest.FORMAT_VERSION
                            + "; upgrade edgevl here before rolling out models from the newer publisher.");
        }
        try {
            return MAPPER.treeToValue(tree, BundleManifest.class);
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt("manifest.json is not a valid manifest (" + firstLine(e) + ")", e);
        }
    }

    private static BundleException corrupt(String what, Throwable cause) {
        return new BundleException(
                Reason.CORRUPT,
                "The model bundle is corrupt: " + what + "; republish it from the model store or retrain.",
                cause);
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage());
        if (root != e && root instanceof IllegalArgumentException) {
            message = root.getMessage();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** ISO-8601, the form an operator reads; java.time support is not on this module's classpath. */
    private static final class InstantSerializer extends StdScalarSerializer<Instant> {
        InstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }

    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException | NullPointerException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
            }
        }
    }
}
