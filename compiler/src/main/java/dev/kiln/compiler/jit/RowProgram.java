package dev.kiln.compiler.jit;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.nn.RowKernels;
import dev.kiln.op.reduce.LaneMath;

import java.util.List;

/**
 * What a fused row group computes on each row of its row space: the rows of {@code shape} along {@code axis}, each
 * of {@code length} elements. Values are numbered inputs first, then one per member node; a value is a vector (one
 * element per row position) or a scalar (one per row), as its {@link Kind} says. {@link Stage}s run in order on one
 * row: pointwise stages (a {@link FusedExpression} over vectors and scalars, generated like any fused group),
 * reductions along the row, softmax and LayerNorm.
 *
 * @param dtype   float32 or float64, of every value
 * @param shape   the row space: the shape of every vector value
 * @param axis    the axis the rows run along
 * @param kinds   the kind of every value (inputs, then members)
 * @param names   the node name of every member value (for listings and output names), in value order
 * @param stages  what each row runs
 * @param outputs the values written out, with their shapes
 */
public record RowProgram(DType dtype, Shape shape, int axis, List<Kind> kinds, List<String> names, List<Stage> stages,
                         List<Integer> outputs, List<Shape> outputShapes, List<Shape> inputShapes) {

    /** How a value is laid out along the rows. */
    public enum Kind {
        /** The row space's shape: element {@code j} of row {@code r}. */
        VECTOR,
        /** The row space with the axis of size 1: one value per row, at the row's index. */
        SCALAR,
        /** An input of size {@code length} along the axis only (a per-position gamma): element {@code j}. */
        POSITION,
        /** An input of one element. */
        CONSTANT;

        /** True if the value has one element per row position. */
        boolean perElement() {
            return this == VECTOR || this == POSITION;
        }
    }

    /** One step of a row's work. */
    public sealed interface Stage {
    }

    /**
     * Elementwise members, computed by a generated loop over the row (or over one element for scalar stages).
     *
     * @param expression reads {@code reads} (in order), writes {@code writes}; inputs of kind scalar or constant are
     *                   read as {@link FusedExpression.Access#ROW_SCALAR} in vector stages
     * @param vector     true: loops over the row; false: computes one value per row
     */
    public record Pointwise(FusedExpression expression, List<Integer> reads, List<Integer> writes, boolean vector)
            implements Stage {
    }

    /** A reduction of a vector to a scalar, as the reduction op computes each lane. */
    public record Reduce(String name, LaneMath math, int in, int out) implements Stage {
    }

    /** Softmax, log_softmax or softmin of a vector. */
    public record Softmax(String name, RowKernels.Softmax math, int in, int out) implements Stage {
    }

    /** LayerNorm of a vector with per-position gamma and beta inputs. */
    public record LayerNorm(String name, RowKernels.LayerNorm math, int in, int gamma, int beta, int out)
            implements Stage {
    }

    public RowProgram {
        kinds = List.copyOf(kinds);
        names = List.copyOf(names);
        stages = List.copyOf(stages);
        outputs = List.copyOf(outputs);
        outputShapes = List.copyOf(outputShapes);
        inputShapes = List.copyOf(inputShapes);
        if (kinds.size() != inputShapes.size() + names.size()) {
            throw new KilnException("fused row group: " + kinds.size() + " value kinds for " + inputShapes.size()
                    + " inputs and " + names.size() + " members");
        }
    }

    /** Elements per row. */
    public int length() {
        return shape.get(axis);
    }

    /** Number of rows. */
    public int rows() {
        return shape.size() / Math.max(1, length());
    }

    /** Distance between neighbours of a row. */
    public int stride() {
        return shape.sizeOf(axis + 1, shape.rank());
    }

    /** Flat index of the first element of row {@code r}. */
    public int base(int r) {
        int inner = stride();
        int o = r / inner;
        return o * length() * inner + (r - o * inner);
    }

    public int numInputs() {
        return inputShapes.size();
    }

    /** The program as text: one stage per line. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(dtype).append(" rows of ").append(shape).append(" along axis ").append(axis).append(", inputs ")
                .append(kinds.subList(0, numInputs())).append(" -> ").append(outputs).append('\n');
        for (Stage s : stages) {
            switch (s) {
                case Pointwise p -> sb.append("  ").append(p.vector() ? "vector " : "scalar ").append(p.reads())
                        .append(" -> ").append(p.writes()).append(": ")
                        .append(p.expression().toString().replace("\n", "\n    ").stripTrailing()).append('\n');
                case Reduce r -> sb.append("  %").append(r.out()).append(" = ").append(r.math().name().toLowerCase())
                        .append("(%").append(r.in()).append(")  # ").append(r.name()).append('\n');
                case Softmax m -> sb.append("  %").append(m.out()).append(" = ").append(m.math().log() ? "log_softmax"
                        : "softmax").append("(%").append(m.in()).append(")  # ").append(m.name()).append('\n');
                case LayerNorm l -> sb.append("  %").append(l.out()).append(" = LayerNorm(%").append(l.in())
                        .append(", %").append(l.gamma()).append(", %").append(l.beta()).append(")  # ")
                        .append(l.name()).append('\n');
            }
        }
        return sb.toString();
    }
}
