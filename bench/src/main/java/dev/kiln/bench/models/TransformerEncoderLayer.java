package dev.kiln.bench.models;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.ParameterValues;
import dev.kiln.nn.Dense;
import dev.kiln.nn.GELU;
import dev.kiln.nn.norm.LayerNorm;
import dev.kiln.op.IntTuple;
import dev.kiln.op.surface.F;

import java.util.Map;

/**
 * A post-norm transformer encoder layer on (batch, tokens, units) inputs: multi-head self-attention (query, key and
 * value projections, per-head scaled dot products with {@code batch_dot}, softmax over the keys, output
 * projection), residual and LayerNorm, then a GELU feed-forward network of {@code hidden} units, residual and
 * LayerNorm.
 */
public final class TransformerEncoderLayer extends HybridBlock {
    private final int units;
    private final int heads;
    private final Dense query;
    private final Dense key;
    private final Dense value;
    private final Dense proj;
    private final LayerNorm norm1;
    private final Dense ffn1;
    private final GELU gelu;
    private final Dense ffn2;
    private final LayerNorm norm2;

    public TransformerEncoderLayer(int units, int heads, int hidden) {
        super(null, null, "transformerencoderlayer");
        if (units <= 0 || heads <= 0 || units % heads != 0 || hidden <= 0) {
            throw new IllegalArgumentException("TransformerEncoderLayer: units (" + units + ") must be a positive "
                    + "multiple of heads (" + heads + ") and hidden (" + hidden + ") positive");
        }
        this.units = units;
        this.heads = heads;
        try (var ignored = nameScope()) {
            query = registerChild(dense(units), "query");
            key = registerChild(dense(units), "key");
            value = registerChild(dense(units), "value");
            proj = registerChild(dense(units), "proj");
            norm1 = registerChild(new LayerNorm(), "norm1");
            ffn1 = registerChild(dense(hidden), "ffn1");
            gelu = registerChild(new GELU(), "gelu");
            ffn2 = registerChild(dense(units), "ffn2");
            norm2 = registerChild(new LayerNorm(), "norm2");
        }
    }

    private static Dense dense(int n) {
        return Dense.builder(n).flatten(false).build();
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        T q = split(F, query.call(F, x), "q");
        T k = split(F, key.call(F, x), "k");
        T v = split(F, value.call(F, x), "v");
        T scores = F.batchDot(q, k, Map.of("transpose_b", true, "name", "scores"));
        T scaled = F.mulScalar(scores, 1.0 / Math.sqrt((double) units / heads), Map.of("name", "scale"));
        T attn = F.softmax(scaled, null, Map.of("axis", -1, "name", "attn"));
        T ctx = merge(F, F.batchDot(attn, v, Map.of("name", "ctx")));
        T h = norm1.call(F, F.elemwiseAdd(x, proj.call(F, ctx), Map.of("name", "res1")));
        T f = ffn2.call(F, gelu.call(F, ffn1.call(F, h)));
        return norm2.call(F, F.elemwiseAdd(h, f, Map.of("name", "res2")));
    }

    /** (B, T, units) -> (B * heads, T, units / heads). */
    private <T> T split(F<T> F, T x, String name) {
        T heads4 = F.reshape(x, Map.of("shape", IntTuple.of(0, 0, heads, -1), "name", name + "_heads"));
        T moved = F.transpose(heads4, Map.of("axes", IntTuple.of(0, 2, 1, 3), "name", name + "_t"));
        return F.reshape(moved, Map.of("shape", IntTuple.of(-3, 0, 0), "name", name + "_bh"));
    }

    /** (B * heads, T, units / heads) -> (B, T, units). */
    private <T> T merge(F<T> F, T x) {
        T split = F.reshape(x, Map.of("shape", IntTuple.of(-4, -1, heads, 0, 0), "name", "ctx_bh"));
        T moved = F.transpose(split, Map.of("axes", IntTuple.of(0, 2, 1, 3), "name", "ctx_t"));
        return F.reshape(moved, Map.of("shape", IntTuple.of(0, 0, -3), "name", "ctx_merge"));
    }
}
