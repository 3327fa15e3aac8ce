package dev.edgevl.model.preprocess;

/** Which end of a measured range (depth, temperature) is drawn bright. */
enum RangePolarity {

    /**
     * Depth: near is bright, far is dark. A hole (no reading) then reads as far-away black, which is
     * what most holes are (out of range, absorbing or grazing surfaces), and near objects stand out
     * from the background the way lit objects do in RGB.
     */
    LOW_IS_BRIGHT,

    /** Thermal: hot is bright ("white-hot", the usual thermal camera palette). */
    HIGH_IS_BRIGHT
}
