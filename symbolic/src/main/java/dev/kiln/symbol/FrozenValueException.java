package dev.kiln.symbol;

import dev.kiln.KilnException;

/**
 * Code being traced read something concrete (a shape, a dtype, a value) of the graph it is building. Whatever it
 * read would be baked into the traced graph as a constant and be silently wrong for other inputs, so the trace stops
 * here, naming the block, the line, and what to write instead.
 */
public final class FrozenValueException extends KilnException {
    /** F's ops that keep shapes symbolic; each exists in the generated surface. */
    private static final String SHAPE_FREE_OPS = "F.reshape with the special codes 0 (keep), -1 (infer), -2 (keep "
            + "the rest), -3 (merge two), -4 (split one), F.reshapeLike, F.broadcastLike, F.sliceLike, "
            + "F.zerosLike/F.onesLike, or F.shapeArray/F.sizeArray for the shape as a tensor";

    /** What was read, and what to use instead. */
    public enum Reads {
        /** Shapes of the traced graph ({@code Symbol.inferShape}). */
        SHAPE("a concrete shape", "keep shapes symbolic with " + SHAPE_FREE_OPS),
        /** Dtypes of the traced graph ({@code Symbol.inferType}). */
        DTYPE("a concrete dtype", "follow the input's dtype with F.castLike, F.zerosLike or F.onesLike"),
        /** Values of the traced graph ({@code Symbol.eval}, {@code bind}). */
        VALUE("concrete values", "compute with F's ops on the symbols, so the graph computes it for every input; "
                + "for shapes, " + SHAPE_FREE_OPS),
        /** A parameter's data ({@code Parameter.data()}). */
        PARAMETER("a parameter's concrete value", "use the value hybridForward is given for it, p.get(\"name\"), "
                + "which is the parameter's symbol while tracing");

        private final String what;
        private final String instead;

        Reads(String what, String instead) {
            this.what = what;
            this.instead = instead;
        }
    }

    private final NodeOrigin origin;

    FrozenValueException(String call, Reads reads, NodeOrigin origin) {
        super(call + " at " + origin.callSite() + " reads " + reads.what + " while "
                + (origin.blockPath() == null ? "a graph" : "block '" + origin.blockPath() + "'")
                + " is being traced; the graph would keep what it reads now as a constant, wrong for any other "
                + "input. Instead, " + reads.instead + ".");
        this.origin = origin;
    }

    /** The block being traced and the line that made the read. */
    public NodeOrigin origin() {
        return origin;
    }
}
