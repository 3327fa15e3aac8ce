package dev.edgevl.model.quant;

import ai.djl.ndarray.NDArray;

/**
 * Fake quantization for quantization-aware training: the forward pass sees values snapped to the int8
 * grid, the backward pass sees the identity (straight-through estimator: {@code x + (q(x) − x)} with the
 * bracket cut from the graph), so the network learns weights that survive rounding.
 *
 * <p>Results belong to the manager of the input array, so callers pass arrays of the step's manager
 * (a parameter first would pile the results up in the model's manager).
 */
public final class FakeQuant {
    private FakeQuant() {}

    /** Weights: symmetric int8, one scale per output channel (axis 0). */
    public static NDArray weightsPerChannel(NDArray w) {
        long channels = w.getShape().get(0);
        NDArray flat = w.reshape(channels, -1);
        NDArray scale = flat.abs().max(new int[] {1}, true).maximum(1e-8f).div(127f);
        NDArray q = flat.div(scale).round().clip(-127, 127).mul(scale);
        NDArray snapped = q.reshape(w.getShape());
        return straightThrough(w, snapped);
    }

    /**
     * Biases on the int32 grid an int8 layer stores them on: step = input scale × the channel's weight
     * scale, the weight scale taken from the float weights as {@link #weightsPerChannel} does.
     */
    public static NDArray biasesOnGrid(NDArray bias, NDArray weight, float inputScale) {
        long channels = weight.getShape().get(0);
        NDArray step = weight.stopGradient()
                .reshape(channels, -1)
                .abs()
                .max(new int[] {1})
                .maximum(1e-8f)
                .div(127f)
                .mul(inputScale);
        return straightThrough(bias, bias.div(step).round().mul(step));
    }

    /** Activations: unsigned 8-bit over [min, max] (one range for the whole tensor). */
    public static NDArray activationsPerTensor(NDArray x, float min, float max) {
        QuantParams p = QuantParams.asymmetricUint8(min, max);
        NDArray q = x.div(p.scale())
                .round()
                .add(p.zeroPoint())
                .clip(p.qmin(), p.qmax())
                .sub(p.zeroPoint())
                .mul(p.scale());
        return straightThrough(x, q);
    }

    /** Forward: {@code snapped}; backward: the gradient of {@code x}. */
    static NDArray straightThrough(NDArray x, NDArray snapped) {
        return x.add(snapped.sub(x).stopGradient());
    }

    /** The per-output-channel max |w|, as the exporter needs it to compute the same scales. */
    public static float[] channelMaxAbs(NDArray w) {
        long channels = w.getShape().get(0);
        return w.reshape(channels, -1).abs().max(new int[] {1}).toFloatArray();
    }
}
