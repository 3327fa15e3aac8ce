package dev.edgevl.bench;

import dev.edgevl.model.onnx.Calibration;
import dev.edgevl.model.onnx.OnnxExporter;
import dev.edgevl.model.onnx.OnnxStudent;
import dev.edgevl.model.quant.FoldedStudent;
import dev.edgevl.model.student.StudentFolding;
import dev.edgevl.model.student.StudentNetwork;
import dev.edgevl.model.student.StudentSpec;
import dev.edgevl.model.train.DistillConfig;
import dev.edgevl.model.train.DistillationTrainer;
import dev.edgevl.model.train.PairBatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The default student's speeds on this machine ({@link StudentSpec#compact}, the one the distiller and the offline
 * evaluation train): stage-1 training samples per second (a sample is one RGB image and its paired non-RGB image), and
 * inference frames per second of the exported model on ONNX Runtime, fp32 against int8, at batch 1 and 32. Random
 * inputs: speed does not depend on content.
 */
public final class ModelBench {
    private ModelBench() {}

    public static BenchResult run(
            int size, int embeddingDim, double trainSeconds, double inferSeconds, Consumer<String> log) {
        StudentSpec spec = StudentSpec.compact(size, embeddingDim);
        Random random = new Random(1);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("parameters", (double) spec.parameterCount());
        FoldedStudent folded;
        try (DistillationTrainer trainer =
                new DistillationTrainer(StudentNetwork.build(spec), size, DistillConfig.defaults(1000))) {
            PairBatch batch = batch(random, 32, size, embeddingDim);
            trainer.step(batch); // warm-up: the first step builds the graph
            trainer.step(batch);
            log.accept(String.format(
                    "Training the %,d-parameter student for %.0f s...", spec.parameterCount(), trainSeconds));
            long start = System.nanoTime();
            int steps = 0;
            while ((System.nanoTime() - start) / 1e9 < trainSeconds) {
                trainer.step(batch);
                steps++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            figures.put("trainSamplesPerSecond", steps * 32 / seconds);
            folded = StudentFolding.fold(trainer.model().getBlock(), spec);
        }
        float[] calibration = images(random, 64, size);
        FoldedStudent calibrated = Calibration.calibrate(folded, calibration, 64);
        byte[] fp32 = OnnxExporter.exportFloat(calibrated);
        byte[] int8 = OnnxExporter.exportInt8(calibrated);
        figures.put("fp32Bytes", (double) fp32.length);
        figures.put("int8Bytes", (double) int8.length);
        for (int batchSize : new int[] {1, 32}) {
            float[] input = images(random, batchSize, size);
            figures.put("fp32FramesPerSecondBatch" + batchSize, framesPerSecond(fp32, input, batchSize, inferSeconds));
            figures.put("int8FramesPerSecondBatch" + batchSize, framesPerSecond(int8, input, batchSize, inferSeconds));
        }
        String sentence = String.format(
                "student (%,d parameters, %dx%d): training %.0f samples/s; inference fp32 %.0f / int8 %.0f frames/s at "
                        + "batch 1, fp32 %.0f / int8 %.0f frames/s at batch 32; model %,d bytes fp32, %,d bytes int8 (%.1fx smaller)",
                spec.parameterCount(),
                size,
                size,
                figures.get("trainSamplesPerSecond"),
                figures.get("fp32FramesPerSecondBatch1"),
                figures.get("int8FramesPerSecondBatch1"),
                figures.get("fp32FramesPerSecondBatch32"),
                figures.get("int8FramesPerSecondBatch32"),
                fp32.length,
                int8.length,
                fp32.length / (double) int8.length);
        return new BenchResult("model", sentence, figures);
    }

    private static double framesPerSecond(byte[] model, float[] input, int batchSize, double seconds) {
        try (OnnxStudent student = new OnnxStudent(model)) {
            for (int i = 0; i < 20; i++) {
                student.embed(input, batchSize);
            }
            long start = System.nanoTime();
            long frames = 0;
            while ((System.nanoTime() - start) / 1e9 < seconds) {
                student.embed(input, batchSize);
                frames += batchSize;
            }
            return frames / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static float[] images(Random r, int count, int size) {
        float[] x = new float[count * 3 * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static PairBatch batch(Random r, int n, int size, int dim) {
        float[][] teacher = new float[n][dim];
        for (float[] t : teacher) {
            t[r.nextInt(dim)] = 1f;
        }
        return new PairBatch(n, size, images(r, n, size), images(r, n, size), teacher);
    }
}
