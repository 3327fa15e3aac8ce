package dev.edgevl.inference;

/**
 * What the control feed hands every annotating instance: a {@code models} record (a new live version of a family) or a
 * {@code labels.embedded} record (a label's embedding, or its removal as a tombstone), still encoded.
 *
 * @param key    the model family or the label
 * @param value  the encoded record; null for a tombstone
 * @param origin where it came from, for logs
 */
record Control(Kind kind, String key, byte[] value, String origin) {
    enum Kind {
        MODEL,
        LABEL
    }

    @Override
    public String toString() {
        return kind + " " + key + (value == null ? " (removed)" : "") + " from " + origin;
    }
}
