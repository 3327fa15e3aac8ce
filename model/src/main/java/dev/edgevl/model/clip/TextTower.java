package dev.edgevl.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * The synthetic teacher's text encoder: a learned embedding per word and per position, the positions
 * concatenated (so "red cube beside a blue sphere" and "blue cube beside a red sphere" differ), and a
 * two-layer MLP into the shared space, L2-normalized.
 */
public final class TextTower extends AbstractBlock {
    private final int contextLength;
    private final int wordDim;
    private final Parameter words;
    private final Parameter positions;
    private final Linear hidden;
    private final Linear output;

    public TextTower(int vocabularySize, int contextLength, int wordDim, int hiddenDim, int embeddingDim) {
        this.contextLength = contextLength;
        this.wordDim = wordDim;
        this.words = addParameter(Parameter.builder()
                .setName("words")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabularySize, wordDim))
                .optInitializer(new NormalInitializer(0.1f))
                .build());
        this.positions = addParameter(Parameter.builder()
                .setName("positions")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(contextLength, wordDim))
                .optInitializer(new NormalInitializer(0.1f))
                .build());
        this.hidden =
                addChildBlock("hidden", Linear.builder().setUnits(hiddenDim).build());
        this.output =
                addChildBlock("output", Linear.builder().setUnits(embeddingDim).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow(); // N × L, int
        long n = tokens.getShape().get(0);
        NDArray table = store.getValue(words, tokens.getDevice(), training);
        NDArray place = store.getValue(positions, tokens.getDevice(), training);
        // Start from the tokens' manager so per-step results do not collect in the model's.
        NDArray embedded = tokens.getManager().create(0f).add(table.get(tokens.toType(DataType.INT64, false)));
        NDArray x = embedded.add(place).reshape(n, (long) contextLength * wordDim);
        x = Activation.relu(hidden.forward(store, new NDList(x), training).singletonOrThrow());
        x = output.forward(store, new NDList(x), training).singletonOrThrow();
        NDArray norm = x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
        return new NDList(x.div(norm));
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape flat = new Shape(inputShapes[0].get(0), (long) contextLength * wordDim);
        hidden.initialize(manager, dataType, flat);
        output.initialize(manager, dataType, hidden.getOutputShapes(new Shape[] {flat})[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape flat = new Shape(inputShapes[0].get(0), (long) contextLength * wordDim);
        return output.getOutputShapes(hidden.getOutputShapes(new Shape[] {flat}));
    }
}
