package dev.edgevl.model;

import ai.djl.engine.Engine;

/**
 * The PyTorch engine, with thread settings that suit a small machine. Left to its defaults, libtorch
 * runs an inter-op pool beside its intra-op pool and the two fight over the cores: the default student
 * trained at 14 samples/s on two cores instead of 138. Explicit settings
 * ({@code -Dai.djl.pytorch.num_threads}, {@code -Dai.djl.pytorch.num_interop_threads}) win.
 */
public final class PyTorch {
    private PyTorch() {}

    public static synchronized Engine engine() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty(
                    "ai.djl.pytorch.num_threads",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        return Engine.getEngine("PyTorch");
    }
}
