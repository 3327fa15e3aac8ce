package dev.edgevl.inference;

/**
 * What the control feed hands every annotating instance: a {@code models} record (a new live version of a
 * family) or a {@code labels.embedded} record (a label's embedding, or its removal as a tombstone), still encoded.
 */
public class Control {
    public enum Kind {
        MODEL,
        LABEL
    }

    public Kind kind;
    /** The model family or the label. */
    public String key;
    /** The encoded record; null for a label tombstone. */
    public byte[] value;
    /** Where it came from, for logs. */
    public String origin;

    public Control() {}

    public Control(Kind kind, String key, byte[] value, String origin) {
        this.kind = kind;
        this.key = key;
        this.value = value;
        this.origin = origin;
    }

    static Control model(KafkaBytes record) {
        return new Control(Kind.MODEL, record.keyText(), record.value, record.toString());
    }

    static Control label(KafkaBytes record) {
        return new Control(Kind.LABEL, record.keyText(), record.value, record.toString());
    }

    @Override
    public String toString() {
        return kind + " " + key + (value == null ? " (removed)" : "") + " from " + origin;
    }
}
