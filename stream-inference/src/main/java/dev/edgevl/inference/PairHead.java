package dev.edgevl.inference;

import dev.edgevl.avro.FramePair;
import dev.edgevl.avro.Modality;
import dev.edgevl.schemas.serde.Projection;
import java.time.Instant;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericRecord;

/**
 * What the job needs of a pair to decide whether to shed it, and to annotate it {@code SHED}: whose, which frames, when.
 * Read through {@link #PROJECTION}, which skips the frames' pixels and attributes: a job that sheds most of what it reads
 * does not copy 20 KB per pair it will not look at.
 *
 * @param paired when frame sync paired it; null when the pair does not say
 */
record PairHead(
        String deviceId,
        String auxSensorId,
        Modality auxModality,
        long auxSequence,
        Long rgbSequence,
        Instant capture,
        Instant paired) {

    private static final TimeConversions.TimestampMicrosConversion MICROS =
            new TimeConversions.TimestampMicrosConversion();

    static final Schema PROJECTION =
            Projection.without(FramePair.getClassSchema(), Set.of("data", "attributes"), "Head");

    static PairHead of(GenericRecord pair) {
        GenericRecord aux = (GenericRecord) pair.get("aux");
        GenericRecord rgb = (GenericRecord) pair.get("rgb");
        return new PairHead(
                String.valueOf(pair.get("deviceId")),
                String.valueOf(aux.get("sensorId")),
                Modality.valueOf(String.valueOf(aux.get("modality"))),
                (Long) aux.get("sequence"),
                rgb == null ? null : (Long) rgb.get("sequence"),
                instant(aux.get("captureTime")),
                pair.get("pairedTime") == null ? null : instant(pair.get("pairedTime")));
    }

    /** When the pair was written to {@code frames.paired}: its paired time, else the record's timestamp. */
    long ingestMillis(long recordMillis) {
        return PendingFrame.ingestMillis(paired, recordMillis);
    }

    /** {@code deviceId/auxSensorId/auxSequence}, as the annotation's dedupe header says it. */
    String id() {
        return deviceId + "/" + auxSensorId + "/" + auxSequence;
    }

    /** A timestamp-micros value, as a number or as an {@link Instant} where a conversion made one. */
    private static Instant instant(Object value) {
        return value instanceof Instant i ? i : MICROS.fromLong((Long) value, null, LogicalTypes.timestampMicros());
    }
}
