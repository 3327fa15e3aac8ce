package dev.edgevl.model.quant;

/**
 * A convolution with its batch norm folded in, followed by ReLU. Weights are laid out
 * out × (in / groups) × k × k, as PyTorch and ONNX do.
 */
public record ConvLayer(
        int inChannels,
        int outChannels,
        int kernel,
        int stride,
        int padding,
        int groups,
        float[] weight,
        float[] bias) {
    public ConvLayer {
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(
                    "channels " + inChannels + "->" + outChannels + " do not divide into " + groups + " groups");
        }
        if (weight.length != outChannels * (inChannels / groups) * kernel * kernel || bias.length != outChannels) {
            throw new IllegalArgumentException("weights do not match a " + kernel + "x" + kernel + " convolution "
                    + inChannels + "->" + outChannels + " in " + groups + " groups");
        }
    }

    public int outputSize(int inputSize) {
        return (inputSize + 2 * padding - kernel) / stride + 1;
    }
}
