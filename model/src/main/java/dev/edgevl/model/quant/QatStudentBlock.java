package dev.edgevl.model.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The folded student as a trainable DJL block with fake quantization at exactly the points the
 * exporter quantizes: the input, every conv+ReLU output and the pooled features (uint8, one range
 * each), every weight (int8, one scale per output channel) and every bias (on its int32 grid). Activation ranges are observed
 * during training as an exponential moving average of batch minima and maxima, starting from the
 * calibrated ranges; inference uses them as they stand.
 *
 * <p>Parameter arrays belong to the model's manager; every computation here starts from an array of
 * the input's manager so results die with the step, not pile up in the model.
 */
public final class QatStudentBlock extends AbstractBlock {
    private static final float OBSERVER_MOMENTUM = 0.9f;

    private final FoldedStudent shape;
    private final List<Parameter> weights = new ArrayList<>();
    private final List<Parameter> biases = new ArrayList<>();
    private final float[] min;
    private final float[] max;

    public QatStudentBlock(FoldedStudent student) {
        if (student.ranges() == null) {
            throw new IllegalArgumentException(
                    "calibrate the student's activation ranges before quantization-aware training");
        }
        this.shape = student;
        this.min = student.ranges().min().clone();
        this.max = student.ranges().max().clone();
        int i = 0;
        for (ConvLayer c : student.convs()) {
            weights.add(addParameter(param(
                    "conv" + i + "_weight",
                    Parameter.Type.WEIGHT,
                    c.weight(),
                    new Shape(c.outChannels(), c.inChannels() / c.groups(), c.kernel(), c.kernel()))));
            biases.add(addParameter(
                    param("conv" + i + "_bias", Parameter.Type.BIAS, c.bias(), new Shape(c.outChannels()))));
            i++;
        }
        LinearLayer p = student.projection();
        weights.add(addParameter(param("proj_weight", Parameter.Type.WEIGHT, p.weight(), new Shape(p.out(), p.in()))));
        biases.add(addParameter(param("proj_bias", Parameter.Type.BIAS, p.bias(), new Shape(p.out()))));
    }

    private static Parameter param(String name, Parameter.Type type, float[] values, Shape shape) {
        float[] copy = values.clone();
        return Parameter.builder()
                .setName(name)
                .setType(type)
                .optShape(shape)
                .optInitializer((NDManager manager, Shape s, DataType dataType) -> manager.create(copy, s))
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDManager step = x.getManager();
        int point = 0;
        x = observeAndQuantize(x, point++, training);
        List<ConvLayer> convs = shape.convs();
        for (int i = 0; i < convs.size(); i++) {
            ConvLayer c = convs.get(i);
            NDArray wFloat = own(step, store.getValue(weights.get(i), x.getDevice(), training));
            NDArray w = FakeQuant.weightsPerChannel(wFloat);
            NDArray b = FakeQuant.biasesOnGrid(
                    own(step, store.getValue(biases.get(i), x.getDevice(), training)), wFloat, inputScale(point - 1));
            x = Conv2d.conv2d(
                            x,
                            w,
                            b,
                            new Shape(c.stride(), c.stride()),
                            new Shape(c.padding(), c.padding()),
                            new Shape(1, 1),
                            c.groups())
                    .singletonOrThrow();
            x = Activation.relu(x);
            x = observeAndQuantize(x, point++, training);
        }
        x = Pool.globalAvgPool2d(x);
        x = x.reshape(x.getShape().get(0), -1);
        x = observeAndQuantize(x, point, training);
        int last = weights.size() - 1;
        NDArray wFloat = own(step, store.getValue(weights.get(last), x.getDevice(), training));
        NDArray w = FakeQuant.weightsPerChannel(wFloat);
        NDArray b = FakeQuant.biasesOnGrid(
                own(step, store.getValue(biases.get(last), x.getDevice(), training)), wFloat, inputScale(point));
        NDArray e = Linear.linear(x, w, b).singletonOrThrow();
        NDArray norm = e.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
        return new NDList(e.div(norm));
    }

    private float inputScale(int point) {
        return QuantParams.asymmetricUint8(min[point], max[point]).scale();
    }

    /** A differentiable copy of a parameter that belongs to the step's manager. */
    private static NDArray own(NDManager step, NDArray parameter) {
        return step.create(0f).add(parameter);
    }

    private NDArray observeAndQuantize(NDArray x, int point, boolean training) {
        if (training) {
            float batchMin = x.min().getFloat();
            float batchMax = x.max().getFloat();
            min[point] = OBSERVER_MOMENTUM * min[point] + (1 - OBSERVER_MOMENTUM) * batchMin;
            max[point] = OBSERVER_MOMENTUM * max[point] + (1 - OBSERVER_MOMENTUM) * batchMax;
        }
        return FakeQuant.activationsPerTensor(x, min[point], max[point]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), shape.embeddingDim())};
    }

    /** The trained weights and observed ranges, in the form the exporter writes. */
    public FoldedStudent toFolded() {
        List<ConvLayer> convs = new ArrayList<>();
        for (int i = 0; i < shape.convs().size(); i++) {
            ConvLayer c = shape.convs().get(i);
            convs.add(new ConvLayer(
                    c.inChannels(),
                    c.outChannels(),
                    c.kernel(),
                    c.stride(),
                    c.padding(),
                    c.groups(),
                    weights.get(i).getArray().toFloatArray(),
                    biases.get(i).getArray().toFloatArray()));
        }
        int last = weights.size() - 1;
        LinearLayer p = shape.projection();
        LinearLayer projection = new LinearLayer(
                p.in(),
                p.out(),
                weights.get(last).getArray().toFloatArray(),
                biases.get(last).getArray().toFloatArray());
        return new FoldedStudent(
                shape.inputSize(), convs, projection, new FoldedStudent.ActivationRanges(min.clone(), max.clone()));
    }
}
