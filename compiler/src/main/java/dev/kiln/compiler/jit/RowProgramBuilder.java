package dev.kiln.compiler.jit;

import dev.kiln.KilnException;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.nn.RowKernels;
import dev.kiln.op.reduce.AxesReduceOp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link RowProgram} from a group's members in node order: consecutive elementwise members of one kind
 * (vector or scalar) form one pointwise stage (a float32 unary member with an array form, such as GELU, a stage of
 * its own, which runs as that form: {@link BulkUnaryKernel}), each seed (reduction, softmax, LayerNorm) a stage of its own. A
 * pointwise stage writes only the values later stages or the group's outputs read; the rest stay locals of its loop.
 */
final class RowProgramBuilder {
    private final Shape shape;
    private final int axis;
    private final DType dtype;
    private final int numInputs;
    private final List<RowProgram.Kind> kinds = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    /** Stages in order: a seed stage, or the member values of a pointwise stage. */
    private final List<Object> plan = new ArrayList<>();
    private final List<ElementwiseFormula> formulas = new ArrayList<>();
    private final List<List<Integer>> operands = new ArrayList<>();
    private List<Integer> pending;

    RowProgramBuilder(Shape shape, int axis, DType dtype, int numInputs) {
        this.shape = shape;
        this.axis = axis;
        this.dtype = dtype;
        this.numInputs = numInputs;
    }

    void input(RowProgram.Kind kind) {
        kinds.add(kind);
    }

    /**
     * Adds a member and returns its value number.
     *
     * @param seed    the seed's node, or null for an elementwise member computing {@code formula}
     * @param operands the value numbers it reads
     */
    int member(String name, RowProgram.Kind kind, OpNode seed, ElementwiseFormula formula, List<Integer> operands) {
        int v = kinds.size();
        kinds.add(kind);
        names.add(name);
        formulas.add(formula);
        this.operands.add(List.copyOf(operands));
        if (seed != null) {
            pending = null;
            plan.add(seedStage(name, seed, v, operands));
        } else {
            boolean alone = kind == RowProgram.Kind.VECTOR && dtype == DType.FLOAT32
                    && formula instanceof ElementwiseFormula.Unary u && u.bulk() != null;
            if (alone || pending == null || kinds.get(pending.getFirst()) != kind) {
                pending = new ArrayList<>();
                plan.add(pending);
            }
            pending.add(v);
            if (alone) {
                pending = null;
            }
        }
        return v;
    }

    private RowProgram.Stage seedStage(String name, OpNode op, int v, List<Integer> in) {
        Shape data = shape;
        RowKernels.Softmax sm = RowKernels.softmax(op.op(), op.params(), data);
        if (sm != null) {
            return new RowProgram.Softmax(name, sm, in.getFirst(), v);
        }
        RowKernels.LayerNorm ln = RowKernels.layerNorm(op.op(), op.params(), data);
        if (ln != null) {
            return new RowProgram.LayerNorm(name, ln, in.get(0), in.get(1), in.get(2), v);
        }
        if (op.op() instanceof AxesReduceOp r) {
            return new RowProgram.Reduce(name, r.laneMath(), in.getFirst(), v);
        }
        throw new KilnException("fused row group: node '" + name + "' (" + op.op().name() + ") is not a row op");
    }

    /** The program writing {@code outputs} (value numbers) of shapes {@code outputShapes}. */
    RowProgram build(List<Integer> outputs, List<Shape> outputShapes, List<Shape> inputShapes, Set<Integer> outSet) {
        List<RowProgram.Stage> stages = new ArrayList<>();
        for (int k = 0; k < plan.size(); k++) {
            if (plan.get(k) instanceof RowProgram.Stage s) {
                stages.add(s);
            } else {
                @SuppressWarnings("unchecked")
                List<Integer> members = (List<Integer>) plan.get(k);
                stages.add(pointwise(members, readLater(k), outSet));
            }
        }
        return new RowProgram(dtype, shape, axis, kinds, names, stages, outputs, outputShapes, inputShapes);
    }

    /** The values read by stages after stage {@code k}. */
    private Set<Integer> readLater(int k) {
        Set<Integer> read = new LinkedHashSet<>();
        for (Object p : plan.subList(k + 1, plan.size())) {
            switch (p) {
                case RowProgram.Reduce r -> read.add(r.in());
                case RowProgram.Softmax s -> read.add(s.in());
                case RowProgram.LayerNorm l -> read.addAll(List.of(l.in(), l.gamma(), l.beta()));
                case List<?> members -> {
                    for (Object m : members) {
                        read.addAll(operands.get((Integer) m - numInputs));
                    }
                }
                default -> throw new IllegalStateException(String.valueOf(p));
            }
        }
        return read;
    }

    private RowProgram.Pointwise pointwise(List<Integer> members, Set<Integer> readLater, Set<Integer> outSet) {
        List<Integer> reads = new ArrayList<>();
        for (int m : members) {
            for (int v : operands.get(m - numInputs)) {
                if (!members.contains(v) && !reads.contains(v)) {
                    reads.add(v);
                }
            }
        }
        boolean vector = kinds.get(members.getFirst()) == RowProgram.Kind.VECTOR;
        List<FusedExpression.Step> steps = new ArrayList<>();
        List<Integer> outs = new ArrayList<>();
        List<Integer> writes = new ArrayList<>();
        for (int m : members) {
            List<Integer> ops = new ArrayList<>();
            for (int v : operands.get(m - numInputs)) {
                ops.add(members.contains(v) ? reads.size() + members.indexOf(v) : reads.indexOf(v));
            }
            steps.add(new FusedExpression.Step(names.get(m - numInputs), formulas.get(m - numInputs), ops));
            if (readLater.contains(m) || outSet.contains(m)) {
                writes.add(m);
                outs.add(reads.size() + steps.size() - 1);
            }
        }
        List<FusedExpression.Access> accesses = new ArrayList<>();
        for (int v : reads) {
            accesses.add(vector && !kinds.get(v).perElement() ? FusedExpression.Access.ROW_SCALAR
                    : FusedExpression.Access.ELEMENT);
        }
        return new RowProgram.Pointwise(new FusedExpression(dtype, reads.size(), steps, outs, accesses), reads,
                writes, vector);
    }
}
