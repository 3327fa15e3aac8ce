package dev.edgevl.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * An exported student running in ONNX Runtime. One instance can serve many threads: ORT sessions
 * are safe for concurrent {@code run} calls, and each call here owns its input and output tensors.
 * Every instance shares the process-wide {@link OrtEnvironment}, which ORT wants to exist once.
 */
public final class OnnxStudent implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int inputSize;
    private final int embeddingDim;
    /**
     * Each calling thread's direct input buffer, shared by every model the thread runs (a task keeps one across model
     * swaps) and grown to the largest batch it has passed. ORT runs on a direct buffer in place; handed a heap array it
     * would allocate (and zero) a direct copy of the batch on every call.
     */
    private static final ThreadLocal<FloatBuffer> INPUTS = new ThreadLocal<>();

    /** Loads with one intra-op thread per available processor. */
    public OnnxStudent(byte[] model) {
        this(model, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param intraOpThreads threads one inference may use; when many threads call {@link #embed}
     *     concurrently (e.g. parallel stream operators), 1 avoids oversubscribing the cores
     */
    public OnnxStudent(byte[] model, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            // The QDQ → QLinearConv fusion is a graph optimization; without it the int8 model runs as float with extra
            // work.
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    "these " + model.length + " bytes are not a loadable ONNX model (" + e.getMessage()
                            + "); export one with OnnxExporter or check that the bundle's weights file is intact",
                    e);
        }
        try {
            long[] in = shapeOf(infos(session, true), OnnxExporter.INPUT);
            long[] out = shapeOf(infos(session, false), OnnxExporter.OUTPUT);
            if (in.length != 4 || in[1] != 3 || in[2] <= 0 || in[2] != in[3] || out.length != 2 || out[1] <= 0) {
                throw new IllegalArgumentException(
                        "expected a student taking images [N, 3, S, S] to embeddings [N, D], but the model maps "
                                + Arrays.toString(in) + " to " + Arrays.toString(out));
            }
            inputSize = (int) in[2];
            embeddingDim = (int) out[1];
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    public int inputSize() {
        return inputSize;
    }

    public int embeddingDim() {
        return embeddingDim;
    }

    /** The model's metadata_props, e.g. the family and version the exporter was given. */
    public Map<String, String> metadata() {
        try {
            return Map.copyOf(session.getMetadata().getCustomMetadata());
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read the model's metadata: " + e.getMessage(), e);
        }
    }

    /**
     * Unit-norm embeddings of {@code count} images laid out N × 3 × S × S (CHW), as the exporter's
     * input. Floats after the last image are ignored, so a reusable, larger buffer can be passed.
     */
    public float[][] embed(float[] images, int count) {
        long pixels = 3L * inputSize * inputSize;
        if (count < 0 || images.length < count * pixels) {
            throw new IllegalArgumentException(count + " images of 3x" + inputSize + "x" + inputSize + " need "
                    + count * pixels + " floats, got " + images.length);
        }
        if (count == 0) {
            return new float[0][];
        }
        long[] shape = {count, 3, inputSize, inputSize};
        FloatBuffer buffer = inputBuffer((int) (count * pixels));
        buffer.put(images, 0, (int) (count * pixels)).flip();
        try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, shape);
                OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            return (float[][]) result.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to embed " + count + " images: " + e.getMessage(), e);
        }
    }

    private FloatBuffer inputBuffer(int floats) {
        FloatBuffer buffer = INPUTS.get();
        if (buffer == null || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(4 * floats)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            INPUTS.set(buffer);
        }
        buffer.clear();
        return buffer;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not release the ONNX Runtime session", e);
        }
    }

    private void closeQuietly() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // Already failing with a better message.
        }
    }

    private static Map<String, NodeInfo> infos(OrtSession session, boolean inputs) {
        try {
            return inputs ? session.getInputInfo() : session.getOutputInfo();
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    "cannot read the model's " + (inputs ? "inputs" : "outputs") + ": " + e.getMessage(), e);
        }
    }

    private static long[] shapeOf(Map<String, NodeInfo> infos, String name) {
        NodeInfo info = infos.get(name);
        if (info == null || !(info.getInfo() instanceof TensorInfo tensor)) {
            throw new IllegalArgumentException("the model has no tensor named '" + name + "' (it has " + infos.keySet()
                    + "); it was not exported by OnnxExporter");
        }
        return tensor.getShape();
    }
}
