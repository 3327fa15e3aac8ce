package dev.edgevl.eval.offline;

/** The three sensors of the world, as the columns of the table. */
public enum Modalities {
    RGB,
    DEPTH,
    THERMAL
}
