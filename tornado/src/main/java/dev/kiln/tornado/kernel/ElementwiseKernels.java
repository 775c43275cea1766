package dev.kiln.tornado.kernel;

import dev.kiln.compiler.jit.FusedElementwiseOp;
import dev.kiln.compiler.jit.FusedExpression;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.ElementwiseFormula;
import dev.kiln.op.ScalarForm;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.op.ScalarForm.Fn.GT;
import static dev.kiln.op.ScalarForm.Fn.LT;
import static dev.kiln.op.ScalarForm.Fn.SELECT;
import static dev.kiln.op.ScalarForm.a;
import static dev.kiln.op.ScalarForm.c;
import static dev.kiln.op.ScalarForm.call;

/**
 * Device kernels of elementwise ops and the compiler's fused elementwise groups, emitted from the ops'
 * {@link ScalarForm}s: one parallel loop over the output's elements; each input is read at the element's index or,
 * where it broadcasts, at the index NumPy broadcasting gives. A fused group rounds each step to float32, as the
 * unfused ops do.
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {
    }

    /** One step of the per-element program: its form over earlier values (operands 0 and 1 index {@code reads}). */
    private record Step(String name, ScalarForm form, List<Integer> reads) {
    }

    /** True if the node is an elementwise op with a formula, {@code clip}, or a fused group. */
    static boolean handles(NodeCall c) {
        return c.node().op() instanceof FusedElementwiseOp || c.op().equals("clip")
                || c.node().op().elementwiseFormula(c.attrs(), DType.FLOAT32) != null;
    }

    /**
     * {@code clip}'s per-element math against its float32 bounds (NaN passes): clip declares no elementwise
     * formula, so the CPU compiler does not fuse it, and its form is the device's alone.
     */
    private static ScalarForm clipForm(NodeCall c) {
        double lo = (float) c.doubleAttr("a_min");
        double hi = (float) c.doubleAttr("a_max");
        return call(SELECT, call(GT, a(), c(hi)), c(hi), call(SELECT, call(LT, a(), c(lo)), c(lo), a()));
    }

    /** Null when every step of the node has a scalar form, else the reason naming the op without one. */
    static String check(NodeCall c) {
        int arrays = c.in().size() + c.out().size();
        if (arrays > KernelWriter.MAX_PARAMS) {
            return "the group reads and writes " + arrays + " arrays; a kernel takes at most "
                    + KernelWriter.MAX_PARAMS;
        }
        try {
            steps(c);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static List<KernelLaunch> lower(NodeCall c) {
        List<Step> steps = steps(c);
        int numInputs = c.in().size();
        List<Integer> outputs = c.node().op() instanceof FusedElementwiseOp f
                ? f.expression().outputs() : List.of(numInputs);
        Shape out = c.out(0);
        KernelClass k = c.kernel(label(c), w -> {
            List<KernelWriter.Array> ins = new ArrayList<>();
            for (int j = 0; j < numInputs; j++) {
                ins.add(w.floatArray("in" + j));
            }
            List<KernelWriter.Array> outs = new ArrayList<>();
            for (int j = 0; j < outputs.size(); j++) {
                outs.add(w.floatArray("out" + j));
            }
            w.parallelFor("i", Exprs.c(out.size()), i -> {
                List<KernelWriter.FloatVar> values = new ArrayList<>();
                for (int j = 0; j < numInputs; j++) {
                    values.add(w.floatLocal("x" + j, w.load(ins.get(j), Broadcast.index(i, out, c.in(j)))));
                }
                for (Step s : steps) {
                    List<KernelWriter.FloatVar> operands = s.reads().stream().map(values::get).toList();
                    values.add(w.floatLocal("v_" + KernelCache.identifier(s.name()),
                            ScalarFormEmitter.of(s.form(), operands)));
                }
                for (int j = 0; j < outputs.size(); j++) {
                    w.store(outs.get(j), i, values.get(outputs.get(j)));
                }
            });
        });
        int[] buffers = new int[numInputs + outputs.size()];
        for (int j = 0; j < numInputs; j++) {
            buffers[j] = c.buffers().input(j);
        }
        for (int j = 0; j < outputs.size(); j++) {
            buffers[numInputs + j] = c.buffers().output(j);
        }
        return List.of(c.launch(k, buffers));
    }

    private static String label(NodeCall c) {
        return c.node().op() instanceof FusedElementwiseOp ? "fused" : c.op();
    }

    private static List<Step> steps(NodeCall c) {
        if (c.node().op() instanceof FusedElementwiseOp f) {
            FusedExpression e = f.expression();
            if (e.dtype() != DType.FLOAT32) {
                throw c.error("the fused group computes in " + e.dtype() + "; the device computes float32");
            }
            List<Step> steps = new ArrayList<>();
            for (FusedExpression.Step s : e.steps()) {
                steps.add(new Step(s.name(), form(c, s.name(), s.formula()), s.operands()));
            }
            return steps;
        }
        if (c.op().equals("clip")) {
            return List.of(new Step(c.node().name(), clipForm(c), List.of(0)));
        }
        ElementwiseFormula f = c.node().op().elementwiseFormula(c.attrs(), DType.FLOAT32);
        if (f == null) {
            throw c.error("op " + c.op() + " has no elementwise formula for float32");
        }
        List<Integer> reads = f.arity() == 2 ? List.of(0, 1) : List.of(0);
        return List.of(new Step(c.node().name(), form(c, c.op(), f), reads));
    }

    private static ScalarForm form(NodeCall c, String step, ElementwiseFormula f) {
        ScalarForm form = f instanceof ElementwiseFormula.Scalar s ? s.boundForm(true) : f.form();
        if (form == null) {
            throw c.error("elementwise op " + f.name() + " (step " + step + ") declares no scalar form, so it has no "
                    + "device kernel");
        }
        return form;
    }
}
