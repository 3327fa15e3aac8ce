package dev.edgevl.model.student;

import java.util.List;

/**
 * The student's shape: a stem convolution, then depthwise-separable blocks (MobileNet style), global
 * average pooling and a linear projection into the teacher's embedding space. The defaults give about
 * 0.4 million parameters at 64×64 input with a 256-dimensional teacher — small enough to train on two cores and to run on a device.
 *
 * @param inputSize width = height of the input image
 * @param stemChannels channels of the first (stride-2) convolution
 * @param blocks the depthwise-separable blocks, in order
 * @param embeddingDim the teacher's embedding size; the output is L2-normalized in that space
 */
public record StudentSpec(int inputSize, int stemChannels, List<Block> blocks, int embeddingDim) {
    /** One depthwise-separable block: a 3×3 depthwise convolution with this stride, then a 1×1 convolution to {@code channels}. */
    public record Block(int channels, int stride) {
        public Block {
            if (channels < 1 || (stride != 1 && stride != 2)) {
                throw new IllegalArgumentException(
                        "A block needs channels >= 1 and stride 1 or 2, got " + channels + "/" + stride);
            }
        }
    }

    public StudentSpec {
        blocks = List.copyOf(blocks);
        if (inputSize < 16 || stemChannels < 1 || embeddingDim < 1 || blocks.isEmpty()) {
            throw new IllegalArgumentException(
                    "A student needs input >= 16 px, a stem, at least one block and an embedding size");
        }
    }

    /** The default student for a teacher with embeddings of {@code embeddingDim}. */
    public static StudentSpec standard(int inputSize, int embeddingDim) {
        return new StudentSpec(
                inputSize,
                32,
                List.of(
                        new Block(64, 1),
                        new Block(128, 2),
                        new Block(128, 1),
                        new Block(256, 2),
                        new Block(256, 1),
                        new Block(512, 2)),
                embeddingDim);
    }

    /**
     * The student the evaluation and the distiller use by default: {@link #standard}'s layout, narrower and downsampling
     * early, with its width at the 2×2 end (about 0.37 M parameters at 64×64 and 128-dim embeddings). Depthwise
     * convolutions at 32×32 are slow to train on a CPU while channels at 2×2 cost almost nothing.
     */
    public static StudentSpec compact(int inputSize, int embeddingDim) {
        return new StudentSpec(
                inputSize,
                16,
                List.of(
                        new Block(32, 2),
                        new Block(64, 1),
                        new Block(128, 2),
                        new Block(128, 1),
                        new Block(256, 2),
                        new Block(384, 2),
                        new Block(384, 1)),
                embeddingDim);
    }

    /** The blocks as {@code channels/stride} pairs joined by commas, e.g. {@code 32/2,64/1}: how settings write them. */
    public String blocksText() {
        return blocks.stream()
                .map(b -> b.channels() + "/" + b.stride())
                .collect(java.util.stream.Collectors.joining(","));
    }

    /** @throws IllegalArgumentException naming the pair that is not {@code channels/stride} */
    public static List<Block> parseBlocks(String text) {
        List<Block> out = new java.util.ArrayList<>();
        for (String block : text.split(",")) {
            String[] parts = block.trim().split("/");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                out.add(new Block(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "blocks are written as channels/stride pairs separated by commas, not '" + block + "'", e);
            }
        }
        return out;
    }

    /** The same layout with every convolution {@code factor} times as wide (the embedding size unchanged). */
    public StudentSpec widened(int factor) {
        return new StudentSpec(
                inputSize,
                stemChannels * factor,
                blocks.stream()
                        .map(b -> new Block(b.channels() * factor, b.stride()))
                        .toList(),
                embeddingDim);
    }

    /** Parameters the network has, counted from the shape (batch-norm scale and shift included, running statistics not). */
    public long parameterCount() {
        long params = 3L * stemChannels * 9 + 2L * stemChannels;
        int in = stemChannels;
        for (Block b : blocks) {
            params += (long) in * 9 + 2L * in; // depthwise 3×3 + its batch norm
            params += (long) in * b.channels() + 2L * b.channels(); // pointwise 1×1 + its batch norm
            in = b.channels();
        }
        return params + (long) in * embeddingDim + embeddingDim; // projection with bias
    }

    public int finalChannels() {
        return blocks.get(blocks.size() - 1).channels();
    }
}
