package dev.edgevl.model.quant;

/** The projection into the teacher's space: weights out × in. */
public record LinearLayer(int in, int out, float[] weight, float[] bias) {
    public LinearLayer {
        if (weight.length != in * out || bias.length != out) {
            throw new IllegalArgumentException("weights do not match a linear layer " + in + "->" + out);
        }
    }
}
