package dev.qlens.core.model;

/**
 * The shape of a BERT encoder.
 *
 * @param layers transformer layers
 * @param hidden hidden width
 * @param heads attention heads
 * @param intermediate feed-forward width
 * @param vocab vocabulary size
 * @param maxPositions position-embedding rows (the sequence-length limit)
 * @param eps LayerNorm epsilon
 * @param pooling how a sentence embedding is made from the token states
 */
public record BertConfig(int layers, int hidden, int heads, int intermediate, int vocab, int maxPositions, float eps,
                         Pooling pooling) {
    /** Sentence pooling. */
    public enum Pooling {
        /** Mean over the tokens (all-MiniLM-L6-v2, e5). */
        MEAN,
        /** The [CLS] token's state (bge). */
        CLS
    }

    /** Width of one head. */
    public int headDim() {
        return hidden / heads;
    }
}
