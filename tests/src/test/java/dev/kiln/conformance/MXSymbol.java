package dev.kiln.conformance;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MXNet symbol handle owned by the harness: made from JSON ({@code mx.sym.load_json}), a variable, an op applied
 * to symbols ({@code mx.sym.<Op>(..., name=...)}) or a group; saved back to JSON, listed, shape-inferred, and run as
 * a cached op (Gluon's hybridized execution). Close it to free the native symbol.
 */
final class MXSymbol implements AutoCloseable {
    private final MXNet mx;
    private Pointer handle;

    private MXSymbol(MXNet mx, Pointer handle) {
        this.mx = mx;
        this.handle = handle;
    }

    /** MXNet's {@code MXSymbolCreateFromJSON}: the loader with its legacy upgrades. */
    static MXSymbol fromJson(MXNet mx, String json) {
        synchronized (mx) {
            PointerByReference out = new PointerByReference();
            mx.check(mx.api().MXSymbolCreateFromJSON(json, out), "MXSymbolCreateFromJSON");
            return new MXSymbol(mx, out.getValue());
        }
    }

    /** {@code mx.sym.var(name)}. */
    static MXSymbol variable(MXNet mx, String name) {
        synchronized (mx) {
            PointerByReference out = new PointerByReference();
            mx.check(mx.api().MXSymbolCreateVariable(name, out), "MXSymbolCreateVariable(" + name + ")");
            return new MXSymbol(mx, out.getValue());
        }
    }

    /**
     * Op {@code op} with MXNet-string attributes applied positionally to {@code inputs} and named {@code name}, as
     * the Python front end composes it; inputs left out at the end become variables {@code <name>_<input>}.
     */
    static MXSymbol op(MXNet mx, String op, Map<String, String> attrs, String name, MXSymbol... inputs) {
        synchronized (mx) {
            String[] keys = attrs.keySet().toArray(String[]::new);
            String[] vals = attrs.values().toArray(String[]::new);
            PointerByReference out = new PointerByReference();
            mx.check(mx.api().MXSymbolCreateAtomicSymbol(mx.opHandleOf(op), keys.length, keys, vals, out),
                    "MXSymbolCreateAtomicSymbol(" + op + ", " + attrs + ")");
            MXSymbol s = new MXSymbol(mx, out.getValue());
            Pointer[] args = new Pointer[inputs.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = inputs[i].handle();
            }
            mx.check(mx.api().MXSymbolCompose(s.handle(), name, args.length, null, args),
                    "MXSymbolCompose(" + op + " '" + name + "')");
            return s;
        }
    }

    /** {@code mx.sym.Group(symbols)}. */
    static MXSymbol group(MXNet mx, MXSymbol... symbols) {
        synchronized (mx) {
            Pointer[] handles = new Pointer[symbols.length];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = symbols[i].handle();
            }
            PointerByReference out = new PointerByReference();
            mx.check(mx.api().MXSymbolCreateGroup(handles.length, handles, out), "MXSymbolCreateGroup");
            return new MXSymbol(mx, out.getValue());
        }
    }

    /** Output {@code index} of this symbol as a symbol of its own ({@code sym[index]}). */
    MXSymbol output(int index) {
        synchronized (mx) {
            PointerByReference out = new PointerByReference();
            mx.check(mx.api().MXSymbolGetOutput(handle(), index, out), "MXSymbolGetOutput(" + index + ")");
            return new MXSymbol(mx, out.getValue());
        }
    }

    /** {@code sym._set_attr(key=value)} on this symbol's node. */
    void setAttr(String key, String value) {
        synchronized (mx) {
            mx.check(mx.api().MXSymbolSetAttr(handle(), key, value), "MXSymbolSetAttr(" + key + ")");
        }
    }

    /** {@code sym.tojson()}: MXNet's own writer. */
    String toJson() {
        synchronized (mx) {
            PointerByReference out = new PointerByReference();
            mx.check(mx.api().MXSymbolSaveToJSON(handle(), out), "MXSymbolSaveToJSON");
            return out.getValue().getString(0, "UTF-8");
        }
    }

    List<String> listArguments() {
        return strings((size, arr) -> mx.api().MXSymbolListArguments(handle(), size, arr), "MXSymbolListArguments");
    }

    /** Every variable, arguments and auxiliary states, in graph order: the cached op's input order. */
    List<String> listInputs() {
        return strings((size, arr) -> mx.api().NNSymbolListInputNames(handle(), 0, size, arr),
                "NNSymbolListInputNames");
    }

    List<String> listOutputs() {
        return strings((size, arr) -> mx.api().MXSymbolListOutputs(handle(), size, arr), "MXSymbolListOutputs");
    }

    List<String> listAuxiliaryStates() {
        return strings((size, arr) -> mx.api().MXSymbolListAuxiliaryStates(handle(), size, arr),
                "MXSymbolListAuxiliaryStates");
    }

    /** Shapes MXNet infers from the given argument shapes ({@code infer_shape}), or null if incomplete. */
    record Shapes(List<Shape> arguments, List<Shape> outputs, List<Shape> auxiliaryStates) {
    }

    Shapes inferShape(Map<String, Shape> given) {
        synchronized (mx) {
            Map<String, Shape> in = new LinkedHashMap<>(given);
            String[] keys = in.keySet().toArray(String[]::new);
            int[] indPtr = new int[keys.length + 1];
            List<Integer> data = new ArrayList<>();
            for (int i = 0; i < keys.length; i++) {
                for (int d : in.get(keys[i]).dims()) {
                    data.add(d);
                }
                indPtr[i + 1] = data.size();
            }
            IntByReference inSize = new IntByReference();
            IntByReference outSize = new IntByReference();
            IntByReference auxSize = new IntByReference();
            PointerByReference[] refs = new PointerByReference[6];
            for (int i = 0; i < refs.length; i++) {
                refs[i] = new PointerByReference();
            }
            IntByReference complete = new IntByReference();
            mx.check(mx.api().MXSymbolInferShapeEx(handle(), keys.length, keys, indPtr,
                    data.stream().mapToInt(Integer::intValue).toArray(), inSize, refs[0], refs[1], outSize, refs[2],
                    refs[3], auxSize, refs[4], refs[5], complete), "MXSymbolInferShapeEx(" + given + ")");
            if (complete.getValue() == 0) {
                return null;
            }
            return new Shapes(shapes(inSize.getValue(), refs[0], refs[1]), shapes(outSize.getValue(), refs[2],
                    refs[3]), shapes(auxSize.getValue(), refs[4], refs[5]));
        }
    }

    /**
     * Runs the symbol as a cached op on {@code inputs} (by name; every argument and auxiliary state) and returns its
     * outputs as Kiln arrays; {@code training} sets MXNet's training flag for the call.
     */
    List<NDArray> run(Map<String, NDArray> inputs, boolean training) {
        synchronized (mx) {
            List<String> order = listInputs();
            List<MXArray> arrays = new ArrayList<>();
            PointerByReference op = new PointerByReference();
            mx.check(mx.api().MXCreateCachedOpEx(handle(), 0, new String[0], new String[0], op),
                    "MXCreateCachedOpEx");
            boolean prev = mx.setTraining(training);
            try {
                for (String n : order) {
                    NDArray a = inputs.get(n);
                    if (a == null) {
                        throw new IllegalArgumentException("no input array for '" + n + "'");
                    }
                    arrays.add(mx.array(a));
                }
                Pointer[] in = arrays.stream().map(MXArray::handle).toArray(Pointer[]::new);
                IntByReference numOut = new IntByReference(0);
                PointerByReference outs = new PointerByReference(Pointer.NULL);
                mx.check(mx.api().MXInvokeCachedOpEx(op.getValue(), in.length, in, numOut, outs,
                        new PointerByReference()), "MXInvokeCachedOpEx");
                List<NDArray> result = new ArrayList<>();
                for (Pointer h : outs.getValue().getPointerArray(0, numOut.getValue())) {
                    try (MXArray o = new MXArray(mx, h)) {
                        result.add(o.toNDArray());
                    }
                }
                return result;
            } finally {
                mx.setTraining(prev);
                arrays.forEach(MXArray::close);
                mx.check(mx.api().MXFreeCachedOp(op.getValue()), "MXFreeCachedOp");
            }
        }
    }

    Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("MXNet symbol already freed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            Pointer h = handle;
            handle = null;
            synchronized (mx) {
                mx.check(mx.api().MXSymbolFree(h), "MXSymbolFree");
            }
        }
    }

    private interface ListCall {
        int call(IntByReference size, PointerByReference array);
    }

    private List<String> strings(ListCall call, String name) {
        synchronized (mx) {
            IntByReference size = new IntByReference();
            PointerByReference arr = new PointerByReference();
            mx.check(call.call(size, arr), name);
            return size.getValue() == 0 ? List.of() : List.of(arr.getValue().getStringArray(0, size.getValue()));
        }
    }

    private static List<Shape> shapes(int n, PointerByReference ndims, PointerByReference data) {
        List<Shape> out = new ArrayList<>(n);
        if (n == 0) {
            return out;
        }
        int[] rank = ndims.getValue().getIntArray(0, n);
        Pointer[] rows = data.getValue().getPointerArray(0, n);
        for (int i = 0; i < n; i++) {
            out.add(Shape.of(rank[i] <= 0 ? new int[0] : rows[i].getIntArray(0, rank[i])));
        }
        return out;
    }
}
