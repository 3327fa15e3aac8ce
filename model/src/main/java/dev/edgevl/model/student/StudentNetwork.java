package dev.edgevl.model.student;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * Builds the student as a DJL block from a {@link StudentSpec}. One network serves RGB and non-RGB
 * input (non-RGB rendered to three channels by the preprocessor), as in EdgeVL.
 */
public final class StudentNetwork {
    private StudentNetwork() {}

    public static Block build(StudentSpec spec) {
        return build(spec, false);
    }

    /**
     * @param frozenStatistics whether training leaves the batch norms' running mean and variance as they are (as loaded):
     *     fine-tuning on a small set of another mix of modalities then cannot shift what every layer sees at inference
     */
    public static Block build(StudentSpec spec, boolean frozenStatistics) {
        // DJL's momentum is the share of the old running statistics kept at each step: 1 keeps them all.
        float momentum = frozenStatistics ? 1f : 0.9f;
        SequentialBlock net = new SequentialBlock();
        net.add(conv(spec.stemChannels(), 3, 2, 1))
                .add(BatchNorm.builder().optMomentum(momentum).build())
                .add(Activation.reluBlock());
        int in = spec.stemChannels();
        for (StudentSpec.Block b : spec.blocks()) {
            net.add(conv(in, 3, b.stride(), in))
                    .add(BatchNorm.builder().optMomentum(momentum).build())
                    .add(Activation.reluBlock());
            net.add(conv(b.channels(), 1, 1, 1))
                    .add(BatchNorm.builder().optMomentum(momentum).build())
                    .add(Activation.reluBlock());
            in = b.channels();
        }
        net.add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(spec.embeddingDim()).build())
                .add(new LambdaBlock(StudentNetwork::l2Normalize, "l2-normalize"));
        return net;
    }

    /** A convolution without bias: the batch norm after it has the shift, and folding it later stays exact. */
    private static Conv2d conv(int filters, int kernel, int stride, int groups) {
        int pad = kernel / 2;
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optGroups(groups)
                .optBias(false)
                .build();
    }

    static NDList l2Normalize(NDList inputs) {
        NDArray x = inputs.singletonOrThrow();
        NDArray norm = x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
        return new NDList(x.div(norm));
    }
}
