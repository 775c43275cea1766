package dev.kiln.bench.suite;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.kiln.autograd.GradReq;
import dev.kiln.block.HybridBlock;
import dev.kiln.conformance.MXArray;
import dev.kiln.conformance.MXNet;
import dev.kiln.conformance.MXSymbol;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.Parameter;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kiln model in real MXNet 1.9, on the same weights: the block is traced to symbol JSON (what {@code export}
 * writes) and its input and parameter values are uploaded once. Two ways to run it:
 * <ul>
 *   <li>{@link #imperative()}: the traced graph node by node through {@code MXImperativeInvoke}, as Gluon runs a
 *   block that is not hybridized (intermediate arrays are freed after each pass);</li>
 *   <li>{@link #cachedOp()}: one {@code MXCreateCachedOpEx} with {@code static_alloc} and {@code static_shape} true,
 *   as Gluon's {@code hybridize(static_alloc=True, static_shape=True)}.</li>
 * </ul>
 * A training row runs either under {@code autograd.record} in train mode and back-propagates head gradients of ones
 * into gradient arrays attached to every parameter Kiln differentiates.
 */
final class MXNetModel implements AutoCloseable {
    private final MXNet mx;
    private final boolean training;
    private final Graph graph;
    private final Map<String, MXArray> arrays = new LinkedHashMap<>();
    private final List<MXArray> grads = new ArrayList<>();
    private MXSymbol symbol;
    private final Pointer[] cachedInputs;
    private final Pointer cachedOp;

    MXNetModel(MXNet mx, HybridBlock block, NDArray input, boolean training) {
        this.mx = mx;
        this.training = training;
        Symbol traced = block.trace(true);
        this.graph = traced.graph();
        try {
            upload(block, input);
            this.symbol = MXSymbol.fromJson(mx, traced.toJson());
            this.cachedInputs = cachedOpInputs(block.name());
            this.cachedOp = createCachedOp();
        } catch (RuntimeException e) {
            if (symbol != null) {
                symbol.close();
            }
            freeArrays();
            throw e;
        }
    }

    /** Uploads the input and every parameter; attaches gradient arrays to the differentiated ones when training. */
    private void upload(HybridBlock block, NDArray input) {
        arrays.put(HybridBlock.inputName(0, 1), mx.array(input));
        List<MXArray> vars = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : block.collectParams().asMap().entrySet()) {
            Parameter p = e.getValue();
            MXArray a = mx.array(p.data());
            arrays.put(e.getKey(), a);
            if (training && p.gradReq() != GradReq.NULL) {
                vars.add(a);
                grads.add(mx.array(NDArray.zeros(p.shape(), p.dtype(), p.data().device())));
            }
        }
        if (training) {
            mx.markVariables(vars, grads);
        }
    }

    private Pointer[] cachedOpInputs(String blockName) {
        List<String> order = symbol.listInputs();
        Pointer[] in = new Pointer[order.size()];
        for (int i = 0; i < in.length; i++) {
            MXArray a = arrays.get(order.get(i));
            if (a == null) {
                throw new IllegalStateException("MXNet symbol input '" + order.get(i) + "' is neither the data nor "
                        + "a parameter of " + blockName + "; parameters: " + arrays.keySet());
            }
            in[i] = a.handle();
        }
        return in;
    }

    private Pointer createCachedOp() {
        PointerByReference op = new PointerByReference();
        String[] keys = {"static_alloc", "static_shape"};
        String[] vals = {"true", "true"};
        synchronized (mx) {
            mx.check(mx.api().MXCreateCachedOpEx(symbol.handle(), keys.length, keys, vals, op),
                    "MXCreateCachedOpEx(static_alloc, static_shape)");
        }
        return op.getValue();
    }

    /** One op-by-op pass; returns the outputs as Kiln arrays. */
    List<NDArray> imperative() {
        return pass(this::runImperative);
    }

    /** One static cached-op pass; returns the outputs as Kiln arrays. */
    List<NDArray> cachedOp() {
        return pass(this::runCachedOp);
    }

    /** One op-by-op pass, outputs discarded (for timing). */
    void imperativeStep() {
        stepOnly(this::runImperative);
    }

    /** One cached-op pass, outputs discarded (for timing). */
    void cachedOpStep() {
        stepOnly(this::runCachedOp);
    }

    private interface Forward {
        /** Runs the forward; adds every array it creates to {@code owned} and returns the graph outputs. */
        List<MXArray> run(List<MXArray> owned);
    }

    private List<NDArray> pass(Forward forward) {
        List<MXArray> owned = new ArrayList<>();
        try {
            List<MXArray> outs = forwardAndBackward(forward, owned);
            List<NDArray> result = new ArrayList<>();
            for (MXArray o : outs) {
                result.add(o.toNDArray());
            }
            return result;
        } finally {
            owned.forEach(MXArray::close);
        }
    }

    private void stepOnly(Forward forward) {
        List<MXArray> owned = new ArrayList<>();
        try {
            forwardAndBackward(forward, owned);
        } finally {
            owned.forEach(MXArray::close);
        }
    }

    private List<MXArray> forwardAndBackward(Forward forward, List<MXArray> owned) {
        boolean prevTraining = mx.setTraining(training);
        try {
            List<MXArray> outs;
            boolean prevRecording = mx.setRecording(training);
            try {
                outs = forward.run(owned);
            } finally {
                mx.setRecording(prevRecording);
            }
            if (training) {
                mx.backward(outs);
            }
            return outs;
        } finally {
            mx.setTraining(prevTraining);
        }
    }

    private List<MXArray> runImperative(List<MXArray> owned) {
        MXArray[][] values = new MXArray[graph.size()][];
        for (int i = 0; i < graph.size(); i++) {
            Node n = graph.node(i);
            values[i] = switch (n) {
                case Variable v -> new MXArray[] {variable(v)};
                case OpNode op -> {
                    List<MXArray> in = new ArrayList<>(op.inputs().size());
                    for (Entry e : op.inputs()) {
                        in.add(values[e.node()][e.output()]);
                    }
                    List<MXArray> out = mx.invoke(op.op().mxnetName(), op.paramStrings(), in);
                    owned.addAll(out);
                    yield out.toArray(MXArray[]::new);
                }
            };
        }
        List<MXArray> outs = new ArrayList<>();
        for (Entry e : graph.outputs()) {
            outs.add(values[e.node()][e.output()]);
        }
        return outs;
    }

    private MXArray variable(Variable v) {
        MXArray a = arrays.get(v.name());
        if (a == null) {
            throw new IllegalStateException("graph variable '" + v.name() + "' has no uploaded array");
        }
        return a;
    }

    private List<MXArray> runCachedOp(List<MXArray> owned) {
        IntByReference numOut = new IntByReference(0);
        PointerByReference outs = new PointerByReference(Pointer.NULL);
        synchronized (mx) {
            mx.check(mx.api().MXInvokeCachedOpEx(cachedOp, cachedInputs.length, cachedInputs, numOut, outs,
                    new PointerByReference()), "MXInvokeCachedOpEx");
        }
        List<MXArray> result = new ArrayList<>();
        for (Pointer h : outs.getValue().getPointerArray(0, numOut.getValue())) {
            MXArray a = new MXArray(mx, h);
            owned.add(a);
            result.add(a);
        }
        return result;
    }

    @Override
    public void close() {
        synchronized (mx) {
            mx.check(mx.api().MXFreeCachedOp(cachedOp), "MXFreeCachedOp");
        }
        symbol.close();
        freeArrays();
    }

    private void freeArrays() {
        arrays.values().forEach(MXArray::close);
        grads.forEach(MXArray::close);
    }
}
