package dev.edgevl.model.onnx;

import dev.edgevl.avro.Modality;
import dev.edgevl.model.bundle.BundleInput;
import dev.edgevl.model.bundle.BundleManifest;
import dev.edgevl.model.bundle.BundleWriter;
import dev.edgevl.model.preprocess.InputSpec;
import dev.edgevl.model.preprocess.ResizeMethod;
import dev.edgevl.model.quant.FoldedStudent;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Packs a calibrated student into a model bundle: the static int8 ONNX graph as {@code model.onnx}, and a
 * manifest that says what the graph expects (input size and normalisation of {@link InputSpec#DEFAULT}'s kind,
 * every modality the student was trained on) and how it was quantized. The caller names the family, version,
 * parent, teacher, label-set hash and metrics; signing is a separate step ({@code BundleSigner}).
 */
public final class StudentBundles {
    public static final String ENTRY = "model.onnx";
    public static final String QUANTIZATION =
            "int8 static QDQ, per-channel symmetric weights, per-tensor uint8 activations";

    private StudentBundles() {}

    /** The bundle's input for a student of this size, read by the preprocessor's default normalisation. */
    public static BundleInput input(int size) {
        return BundleInput.of(
                        size,
                        size,
                        InputSpec.CHANNELS,
                        InputSpec.DEFAULT_MEAN,
                        InputSpec.DEFAULT_STD,
                        Modality.RGB,
                        Modality.DEPTH,
                        Modality.THERMAL)
                .withResize(ResizeMethod.AREA.name());
    }

    /** @param calibrated a student with activation ranges (see {@link Calibration}) */
    public static byte[] int8(FoldedStudent calibrated, BundleManifest.Builder manifest) {
        return int8(calibrated, OnnxExporter.exportInt8(calibrated), manifest);
    }

    /** @param onnx what {@link OnnxExporter#exportInt8} made of {@code calibrated}, when the caller has used it already */
    public static byte[] int8(FoldedStudent calibrated, byte[] onnx, BundleManifest.Builder manifest) {
        return int8(onnx, calibrated.inputSize(), calibrated.embeddingDim(), manifest);
    }

    /** @param onnx an int8 graph {@link OnnxExporter#exportInt8} made earlier (e.g. the shipped initial student's) */
    public static byte[] int8(byte[] onnx, int inputSize, int embeddingDim, BundleManifest.Builder manifest) {
        return int8(onnx, Map.of(), inputSize, embeddingDim, manifest);
    }

    /**
     * @param ownGraphs int8 graphs of the same student for modalities that run their own (as
     *     {@code model-<modality>.onnx}, named in the manifest's {@code modalityEntries}); the shared graph serves the rest
     */
    public static byte[] int8(
            byte[] onnx,
            Map<Modality, byte[]> ownGraphs,
            int inputSize,
            int embeddingDim,
            BundleManifest.Builder manifest) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put(ENTRY, onnx);
        ownGraphs.forEach((modality, graph) -> {
            String file = entryOf(modality);
            files.put(file, graph);
            manifest.modalityEntry(modality, file);
        });
        BundleManifest m = manifest.embeddingDim(embeddingDim)
                .input(input(inputSize))
                .quantization(QUANTIZATION)
                .entry(ENTRY)
                .build();
        return new BundleWriter().write(m, files);
    }

    /** The file name of a modality's own graph in a bundle. */
    public static String entryOf(Modality modality) {
        return "model-" + modality.name().toLowerCase(Locale.ROOT) + ".onnx";
    }

    /** The preprocessing a bundle's manifest asks for; a resize method this preprocessor does not know is refused. */
    public static InputSpec inputSpec(BundleInput input) {
        ResizeMethod resize = ResizeMethod.AREA;
        if (input.resize() != null) {
            try {
                resize = ResizeMethod.valueOf(input.resize());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "the bundle asks for resize method " + input.resize()
                                + ", which this preprocessor does not know (it knows "
                                + Arrays.toString(ResizeMethod.values()) + ")",
                        e);
            }
        }
        return new InputSpec(
                input.width(), input.height(), input.channels(), input.meanAsFloats(), input.stdAsFloats(), resize);
    }
}
