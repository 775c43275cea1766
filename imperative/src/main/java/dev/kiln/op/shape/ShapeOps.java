package dev.kiln.op.shape;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The shape family: data-movement ops that reshape, permute, slice, join, split, pad, repeat and broadcast arrays, and
 * the identity-like ops (copy, cast, stop-gradient, zeros/ones like, shape and size arrays). Every op works on any
 * dtype through the backing arrays. The {@code _backward_*} ops are the gradients that cannot be written with the
 * forward ops (scatters and sums over copies), each differentiable again.
 */
public final class ShapeOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(
                new Reshaping.Reshape(),
                new Reshaping.ReshapeLike(),
                new Reshaping.Flatten(),
                new Reshaping.ExpandDims(),
                new Reshaping.Squeeze(),
                new Permuting.Transpose(),
                new Permuting.SwapAxis(),
                new Permuting.Reverse(),
                new Joining.Concat(),
                new Joining.Stack(),
                new Splitting.SliceChannel(),
                new Splitting.SplitV2(),
                new Slicing.Slice(),
                new Slicing.SliceAxis(),
                new Slicing.SliceLike(),
                new Repeating.Tile(),
                new Repeating.Repeat(),
                new Repeating.BroadcastTo(),
                new Repeating.BroadcastLike(),
                new Repeating.BroadcastAxis(),
                new Padding(),
                new Diagonal(),
                new Identity.Copy(),
                new Identity.BlockGrad(),
                new Identity.Cast(),
                new Identity.FillLike("zeros_like", 0),
                new Identity.FillLike("ones_like", 1),
                new Identity.ShapeArray(),
                new Identity.SizeArray(),
                new Identity.CastLike(),
                new Joining.ConcatBackward(),
                SliceBackward.OfRanges.ofSlice(),
                SliceBackward.OfRanges.ofSliceAxis(),
                new SliceBackward.OfSliceLike(),
                new RepeatBackward.OfTile(),
                new RepeatBackward.OfRepeat(),
                new PadBackward(),
                new DiagonalBackward());
    }
}
