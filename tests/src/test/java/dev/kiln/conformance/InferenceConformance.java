package dev.kiln.conformance;

import dev.kiln.KilnException;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kiln.symbol.Sym.sym;

/**
 * Kiln's graph shape and dtype inference against MXNet 1.9's on one op application of the conformance table: the op
 * is built as a Kiln symbol over one variable per input, written with Kiln's JSON writer and loaded into MXNet, and
 * both libraries infer (a) from every input's shape, (b) from the first input's shape alone and from every input's
 * shape with the first one's dim 0 (the batch size) unknown, (c) from every input's dtype and from the first one's
 * alone, as {@link InferenceComparison} compares.
 */
final class InferenceConformance {
    private InferenceConformance() {
    }

    /**
     * Ops whose partial shape inference MXNet 1.9 gets wrong, by Kiln name, with the reason; their partial shapes are
     * not compared (full inference still is).
     */
    static final Map<String, String> MXNET_PARTIAL_SHAPE_BUGS = Map.of(
            "Concat", "MXNet's ConcatShape skips inputs of unknown rank, so from the first input alone it gives the "
                    + "output that input's size along the axis, as if the other inputs were empty",
            "_rnn_param_concat", "Concat's shape rule (it adds only the equal split of a known total), with the "
                    + "same bug");

    /** Checks {@code c}; throws {@link AssertionError} listing every disagreement. */
    static void check(OpCase c, InferenceComparison.Tally tally) {
        OpDef op = OpRegistry.global().get(c.op());
        List<String> names = variableNames(op, c);
        Symbol k;
        try {
            k = build(c, names);
        } catch (KilnException e) {
            checkMXNetRejects(c, names, e);
            return;
        }
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, DType> types = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            NDArray x = c.inputs().get(i);
            shapes.put(names.get(i), x.shape());
            types.put(names.get(i), x.dtype());
        }
        InferenceComparison cmp = new InferenceComparison(op.name(), new InferenceComparison.Names(
                k.listArguments(), k.listOutputs(), k.listAuxiliaryStates()), tally);
        MXNet mx = MXNet.get();
        boolean prevNumpy = mx.setNumpyShape(c.numpyShape());
        try (MXSymbols m = new MXSymbols()) {
            MXSymbol s = m.fromJson(k.toJson());
            if (!k.listArguments().equals(s.listArguments())
                    || !k.listAuxiliaryStates().equals(s.listAuxiliaryStates())) {
                cmp.problem("arguments and aux states: Kiln " + k.listArguments() + " " + k.listAuxiliaryStates()
                        + ", MXNet " + s.listArguments() + " " + s.listAuxiliaryStates());
            }
            InferenceComparison.Inference<Shape> kilnShapes = c.numpyShape()
                    ? g -> InferenceComparison.Values.of(ShapeInference.infer(k.graph(), g))
                    : g -> InferenceComparison.Values.of(k.inferShapePartial(g));
            InferenceComparison.Inference<Shape> kilnFullShapes = c.numpyShape()
                    ? g -> InferenceComparison.Values.of(ShapeInference.infer(k.graph(), g).requireComplete())
                    : g -> InferenceComparison.Values.of(k.inferShape(g));
            cmp.full("shapes", shapes, g -> InferenceComparison.Values.of(s.inferShape(g)),
                    kilnFullShapes, kilnShapes);
            cmp.full("dtypes", types, g -> completeTypes(s, g),
                    g -> InferenceComparison.Values.of(k.inferType(g)),
                    g -> InferenceComparison.Values.of(k.inferTypePartial(g)));
            InferenceComparison.Inference<Shape> mxnetShapes = g -> InferenceComparison.Values.of(
                    s.inferShapePartial(g));
            String first = names.isEmpty() ? null : names.get(0);
            if (first != null && !c.numpyShape() && shapes.get(first).rank() > 0) {
                Map<String, Shape> noBatch = new LinkedHashMap<>(shapes);
                noBatch.put(first, shapes.get(first).with(0, 0));
                cmp.partial(InferenceComparison.Kind.SHAPE, "shapes with an unknown batch size", noBatch, mxnetShapes,
                        kilnShapes);
            }
            if (names.size() > 1) {
                if (!MXNET_PARTIAL_SHAPE_BUGS.containsKey(op.name())) {
                    cmp.partial(InferenceComparison.Kind.SHAPE, "shapes from the first input alone",
                            Map.of(first, shapes.get(first)), mxnetShapes, kilnShapes);
                }
                cmp.partial(InferenceComparison.Kind.DTYPE, "dtypes from the first input alone",
                        Map.of(first, types.get(first)), g -> InferenceComparison.Values.of(s.inferType(g, true)),
                        g -> InferenceComparison.Values.of(k.inferTypePartial(g)));
            }
        } finally {
            mx.setNumpyShape(prevNumpy);
        }
        if (!cmp.problems().isEmpty()) {
            throw new AssertionError("Kiln's inference disagrees with MXNet 1.9 on " + c.describe() + "\n  attrs: "
                    + c.attrs() + "\n  " + String.join("\n  ", cmp.problems()) + "\n  symbol JSON: " + k.toJson());
        }
    }

    /** MXNet's {@code infer_type}: its dtypes if complete, else {@code null}. */
    static InferenceComparison.Values<DType> completeTypes(MXSymbol s, Map<String, DType> given) {
        MXSymbol.Types t = s.inferType(given, false);
        return t.complete() ? InferenceComparison.Values.of(t) : null;
    }

    /** One variable name per input: the op's input names, or {@code in<i>} where those repeat or run out. */
    private static List<String> variableNames(OpDef op, OpCase c) {
        List<String> declared;
        try {
            declared = op.inputNames(op.attrs(c.attrs()));
        } catch (KilnException e) {
            declared = op.declaredInputs();
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.inputs().size(); i++) {
            String n = i < declared.size() ? declared.get(i) : "in" + i;
            names.add(seen.add(n) ? n : "in" + i);
        }
        return names;
    }

    /** The op applied by Kiln's {@code sym} to one variable per input, as one symbol of all its visible outputs. */
    private static Symbol build(OpCase c, List<String> names) {
        List<Symbol> vars = new ArrayList<>();
        for (String n : names) {
            vars.add(Symbol.var(n));
        }
        Map<String, Object> attrs = new LinkedHashMap<>(c.attrs());
        attrs.put("name", "op");
        return Symbol.group(sym.apply(c.op(), attrs, vars));
    }

    /**
     * Kiln refuses to build the symbol (bad attributes): MXNet must refuse the op too, when creating or composing it
     * or when inferring its shapes.
     */
    private static void checkMXNetRejects(OpCase c, List<String> names, KilnException kiln) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        try (MXSymbols m = new MXSymbols()) {
            MXSymbol[] vars = new MXSymbol[names.size()];
            for (int i = 0; i < vars.length; i++) {
                vars[i] = m.var(names.get(i));
                shapes.put(names.get(i), c.inputs().get(i).shape());
            }
            MXSymbol s = m.op(c.op(), "op", c.attrs(), vars);
            s.inferShape(shapes);
        } catch (MXNetException e) {
            return;
        }
        throw new AssertionError("Kiln cannot build " + c.describe() + " (" + kiln.getMessage()
                + ") but MXNet builds it and infers its shapes from " + shapes, kiln);
    }
}
