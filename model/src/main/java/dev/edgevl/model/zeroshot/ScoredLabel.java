package dev.edgevl.model.zeroshot;

/**
 * One label of a zero-shot classification.
 *
 * @param label the label
 * @param probability softmax probability over the whole label set, 0..1
 * @param similarity cosine similarity between image and label embeddings, -1..1, before temperature and softmax
 */
public record ScoredLabel(String label, double probability, double similarity) {}
