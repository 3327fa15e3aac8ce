package dev.edgevl.schemas.serde;

import dev.edgevl.config.ConfigOption;
import dev.edgevl.config.Settings;
import dev.edgevl.schemas.registry.RegistryConfig;
import dev.edgevl.schemas.registry.SchemaRegistry;
import dev.edgevl.schemas.registry.SchemaRegistryClient;
import dev.edgevl.schemas.topics.Topic;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one serde factory. Keys are plain UTF-8 strings in both formats (device ids, labels, model
 * families), so any Kafka tool can read and partition them; values are Avro in the configured
 * {@link WireFormat}.
 */
public final class AvroSerdes implements AutoCloseable {
    public static final ConfigOption<WireFormat> FORMAT = ConfigOption.enumeration(
            "serde.format",
            WireFormat.class,
            WireFormat.SINGLE_OBJECT,
            "Wire format of Avro values: single-object (Avro single-object encoding, no server) "
                    + "or confluent (magic byte 0 + 4-byte schema id, needs registry.url).");
    public static final ConfigOption<Boolean> AUTO_REGISTER = ConfigOption.bool(
            "registry.auto-register",
            true,
            "With the confluent format: register a value schema on first write. Turn off where schemas are registered "
                    + "ahead of time (edgevl schemas register) and producers may only look them up.");

    /** The serde settings; the registry's own are {@link RegistryConfig#OPTIONS}. */
    public static final List<ConfigOption<?>> OPTIONS = List.of(FORMAT, AUTO_REGISTER);

    private final WireFormat format;
    private final KnownSchemas known;
    private final SchemaRegistry registry;
    private final boolean autoRegister;
    private final AutoCloseable owned;
    private final Map<Class<?>, Serde<?>> byType = new ConcurrentHashMap<>();

    private AvroSerdes(
            WireFormat format, KnownSchemas known, SchemaRegistry registry, boolean autoRegister, AutoCloseable owned) {
        this.format = format;
        this.known = known;
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.owned = owned;
    }

    /** Avro single-object encoding with the contract's current and historic schemas. */
    public static AvroSerdes singleObject() {
        return singleObject(KnownSchemas.standard());
    }

    public static AvroSerdes singleObject(KnownSchemas known) {
        return new AvroSerdes(WireFormat.SINGLE_OBJECT, Objects.requireNonNull(known), null, false, null);
    }

    /** The Confluent wire format against a registry the caller owns. */
    public static AvroSerdes confluent(SchemaRegistry registry, boolean autoRegister) {
        return new AvroSerdes(WireFormat.CONFLUENT, null, Objects.requireNonNull(registry), autoRegister, null);
    }

    /**
     * From configuration: {@code serde.format}, and for the confluent format the {@code registry.*} settings.
     * Closing the result closes the registry client it made.
     */
    public static AvroSerdes fromSettings(Settings settings) {
        WireFormat format = settings.get(FORMAT);
        if (format == WireFormat.SINGLE_OBJECT) {
            return singleObject();
        }
        SchemaRegistryClient client =
                new SchemaRegistryClient(RegistryConfig.from(settings, "when serde.format=confluent"));
        return new AvroSerdes(format, null, client, settings.get(AUTO_REGISTER), client);
    }

    public WireFormat format() {
        return format;
    }

    /**
     * The serde for Avro records of {@code type} in the configured format: one per type, made on first use and shared
     * (it holds nothing per caller, and making one computes the schema's fingerprint, which costs far more than a
     * record), so a caller that asks for it per record pays nothing extra.
     */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> avro(Class<T> type) {
        return (Serde<T>) byType.computeIfAbsent(type, t -> newSerde(type));
    }

    private <T extends SpecificRecord> Serde<T> newSerde(Class<T> type) {
        Schema schema = SpecificData.get().getSchema(type);
        return switch (format) {
            case SINGLE_OBJECT ->
                Serdes.serdeFrom(new SingleObjectSerde.Writer<>(schema), new SingleObjectSerde.Reader<>(schema, known));
            case CONFLUENT ->
                Serdes.serdeFrom(
                        new ConfluentSerde.Writer<>(schema, registry, autoRegister),
                        new ConfluentSerde.Reader<>(schema, registry));
        };
    }

    /**
     * Reads records in the configured format as {@code projection} (see {@link Projection}), as generic records. The
     * record's content is not checked: the fields a projection leaves out are never read.
     */
    public Deserializer<GenericRecord> projection(Schema projection) {
        return switch (format) {
            case SINGLE_OBJECT -> new SingleObjectSerde.Reader<>(projection, known);
            case CONFLUENT -> new ConfluentSerde.Reader<>(projection, registry);
        };
    }

    public <K> Serde<K> keySerde(Topic<K, ?> topic) {
        return serdeFor(topic.keyType(), topic.name(), "key");
    }

    public <V> Serde<V> valueSerde(Topic<?, V> topic) {
        return serdeFor(topic.valueType(), topic.name(), "value");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> Serde<T> serdeFor(Class<T> type, String topic, String part) {
        if (type == String.class) {
            return (Serde<T>) Serdes.String();
        }
        if (type == byte[].class) {
            return (Serde<T>) Serdes.ByteArray();
        }
        if (SpecificRecord.class.isAssignableFrom(type)) {
            return (Serde<T>) avro((Class) type);
        }
        throw new IllegalArgumentException(
                "No serde for the " + part + " type " + type.getName() + " of topic " + topic);
    }

    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        }
    }
}
