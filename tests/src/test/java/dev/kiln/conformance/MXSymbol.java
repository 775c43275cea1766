package dev.kiln.conformance;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MXNet symbol handle owned by the harness: made from JSON ({@code mx.sym.load_json}), a variable, an op applied
 * to symbols ({@code mx.sym.<Op>(..., name=...)}) or a group; saved back to JSON, listed, shape- and dtype-inferred
 * (complete or partial), and run as a cached op (Gluon's hybridized execution). Close it to free the native symbol.
 */
public final class MXSymbol implements AutoCloseable {
    private final MXNet mx;
    private Pointer handle;

    private MXSymbol(MXNet mx, Pointer handle) {
        this.mx = mx;
        this.handle = handle;
    }

    /** MXNet's {@code MXSymbolCreateFromJSON}: the loader with its legacy upgrades. */
    public static MXSymbol fromJson(MXNet mx, String json) {
        synchronized (mx) {
            PointerByReference out = new PointerByReference();
            mx.check(mx.api().MXSymbolCreateFromJSON(json, out), "MXSymbolCreateFromJSON");
            return new MXSymbol(mx, out.getValue());
        }
    }

    /** MXNet's {@code MXSymbolCreateFromFile} ({@code mx.sym.load}): reads a symbol file itself. */
    static MXSymbol fromFile(MXNet mx, Path file) {
        synchronized (mx) {
            PointerByReference out = new PointerByReference();
            mx.check(mx.api().MXSymbolCreateFromFile(file.toString(), out), "MXSymbolCreateFromFile(" + file + ")");
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

    /** {@code sym.save(file)}: MXNet writes the symbol file itself. */
    void save(Path file) {
        synchronized (mx) {
            mx.check(mx.api().MXSymbolSaveToFile(handle(), file.toString()), "MXSymbolSaveToFile(" + file + ")");
        }
    }

    List<String> listArguments() {
        return strings((size, arr) -> mx.api().MXSymbolListArguments(handle(), size, arr), "MXSymbolListArguments");
    }

    /** Every variable, arguments and auxiliary states, in graph order: the cached op's input order. */
    public List<String> listInputs() {
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

    /**
     * Shapes of the arguments, outputs and auxiliary states, in MXNet's list orders. From partial inference an
     * unknown dim is {@link Shape#UNKNOWN} and an unknown rank {@link Shape#unknownRank()}; in legacy shape mode
     * MXNet cannot tell an unknown rank from a known 0-d shape and this reads both as unknown.
     */
    record Shapes(List<Shape> arguments, List<Shape> outputs, List<Shape> auxiliaryStates) {
    }

    /** Shapes MXNet infers from the given argument shapes ({@code infer_shape}), or null if incomplete. */
    Shapes inferShape(Map<String, Shape> given) {
        return inferShapes(given, false);
    }

    /** What MXNet infers from the given argument shapes, known or not ({@code infer_shape_partial}). */
    Shapes inferShapePartial(Map<String, Shape> given) {
        return inferShapes(given, true);
    }

    private Shapes inferShapes(Map<String, Shape> given, boolean partial) {
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
            int[] flat = data.stream().mapToInt(Integer::intValue).toArray();
            IntByReference inSize = new IntByReference();
            IntByReference outSize = new IntByReference();
            IntByReference auxSize = new IntByReference();
            PointerByReference[] refs = new PointerByReference[6];
            for (int i = 0; i < refs.length; i++) {
                refs[i] = new PointerByReference();
            }
            IntByReference complete = new IntByReference();
            MXNetCApi api = mx.api();
            int rc = partial
                    ? api.MXSymbolInferShapePartialEx(handle(), keys.length, keys, indPtr, flat, inSize, refs[0],
                    refs[1], outSize, refs[2], refs[3], auxSize, refs[4], refs[5], complete)
                    : api.MXSymbolInferShapeEx(handle(), keys.length, keys, indPtr, flat, inSize, refs[0], refs[1],
                    outSize, refs[2], refs[3], auxSize, refs[4], refs[5], complete);
            mx.check(rc, (partial ? "MXSymbolInferShapePartialEx(" : "MXSymbolInferShapeEx(") + given + ")");
            if (!partial && complete.getValue() == 0) {
                return null;
            }
            boolean known = !partial;
            return new Shapes(shapes(inSize.getValue(), refs[0], refs[1], known),
                    shapes(outSize.getValue(), refs[2], refs[3], known),
                    shapes(auxSize.getValue(), refs[4], refs[5], known));
        }
    }

    /** Dtypes of the arguments, outputs and auxiliary states in MXNet's list orders; null where unknown. */
    record Types(List<DType> arguments, List<DType> outputs, List<DType> auxiliaryStates, boolean complete) {
    }

    /**
     * The dtypes MXNet infers from the given argument dtypes: {@code infer_type}, or with {@code partial}
     * {@code infer_type_partial}; both report what they know and whether that is everything.
     */
    Types inferType(Map<String, DType> given, boolean partial) {
        synchronized (mx) {
            String[] keys = given.keySet().toArray(String[]::new);
            int[] flags = given.values().stream().mapToInt(DType::flag).toArray();
            IntByReference inSize = new IntByReference();
            IntByReference outSize = new IntByReference();
            IntByReference auxSize = new IntByReference();
            PointerByReference inData = new PointerByReference();
            PointerByReference outData = new PointerByReference();
            PointerByReference auxData = new PointerByReference();
            IntByReference complete = new IntByReference();
            MXNetCApi api = mx.api();
            int rc = partial
                    ? api.MXSymbolInferTypePartial(handle(), keys.length, keys, flags, inSize, inData, outSize,
                    outData, auxSize, auxData, complete)
                    : api.MXSymbolInferType(handle(), keys.length, keys, flags, inSize, inData, outSize, outData,
                    auxSize, auxData, complete);
            mx.check(rc, (partial ? "MXSymbolInferTypePartial(" : "MXSymbolInferType(") + given + ")");
            return new Types(types(inSize.getValue(), inData), types(outSize.getValue(), outData),
                    types(auxSize.getValue(), auxData), complete.getValue() != 0);
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

    /** What one recorded training step of a cached op gave: outputs, gradients by name, every input afterwards. */
    record TrainStep(List<NDArray> outputs, Map<String, NDArray> gradients, Map<String, NDArray> inputsAfter) {
    }

    /**
     * Runs the symbol as a cached op in training mode under {@code autograd.record}, then back-propagates head
     * gradients of ones from every output, with gradients requested for the inputs named in {@code wrt}: Gluon's
     * hybridized training step. Auxiliary states are updated as MXNet updates them (BatchNorm: in backward).
     */
    TrainStep trainStep(Map<String, NDArray> inputs, java.util.Set<String> wrt) {
        synchronized (mx) {
            List<String> order = listInputs();
            List<MXArray> arrays = new ArrayList<>();
            List<MXArray> vars = new ArrayList<>();
            List<MXArray> grads = new ArrayList<>();
            List<String> gradNames = new ArrayList<>();
            List<MXArray> outs = new ArrayList<>();
            PointerByReference op = new PointerByReference();
            mx.check(mx.api().MXCreateCachedOpEx(handle(), 0, new String[0], new String[0], op),
                    "MXCreateCachedOpEx");
            boolean prevTraining = mx.setTraining(true);
            try {
                for (String n : order) {
                    NDArray a = inputs.get(n);
                    if (a == null) {
                        throw new IllegalArgumentException("no input array for '" + n + "'");
                    }
                    MXArray m = mx.array(a);
                    arrays.add(m);
                    if (wrt.contains(n)) {
                        vars.add(m);
                        grads.add(mx.array(NDArray.zeros(a.shape(), a.dtype(), a.device())));
                        gradNames.add(n);
                    }
                }
                mx.markVariables(vars, grads);
                Pointer[] in = arrays.stream().map(MXArray::handle).toArray(Pointer[]::new);
                IntByReference numOut = new IntByReference(0);
                PointerByReference outHandles = new PointerByReference(Pointer.NULL);
                boolean prevRecording = mx.setRecording(true);
                try {
                    mx.check(mx.api().MXInvokeCachedOpEx(op.getValue(), in.length, in, numOut, outHandles,
                            new PointerByReference()), "MXInvokeCachedOpEx");
                } finally {
                    mx.setRecording(prevRecording);
                }
                for (Pointer h : outHandles.getValue().getPointerArray(0, numOut.getValue())) {
                    outs.add(new MXArray(mx, h));
                }
                mx.backward(outs);
                List<NDArray> result = new ArrayList<>();
                for (MXArray o : outs) {
                    result.add(o.toNDArray());
                }
                Map<String, NDArray> g = new LinkedHashMap<>();
                for (int k = 0; k < grads.size(); k++) {
                    g.put(gradNames.get(k), grads.get(k).toNDArray());
                }
                Map<String, NDArray> after = new LinkedHashMap<>();
                for (int k = 0; k < order.size(); k++) {
                    after.put(order.get(k), arrays.get(k).toNDArray());
                }
                return new TrainStep(result, g, after);
            } finally {
                mx.setTraining(prevTraining);
                arrays.forEach(MXArray::close);
                grads.forEach(MXArray::close);
                outs.forEach(MXArray::close);
                mx.check(mx.api().MXFreeCachedOp(op.getValue()), "MXFreeCachedOp");
            }
        }
    }

    public Pointer handle() {
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

    /**
     * Decodes MXNet's shape arrays. Complete results hold concrete shapes. Otherwise unknowns are read in the current
     * shape mode: in NumPy mode ndim -1 and dim -1; in legacy mode ndim 0 and dim 0.
     */
    private List<Shape> shapes(int n, PointerByReference ndims, PointerByReference data, boolean complete) {
        List<Shape> out = new ArrayList<>(n);
        if (n == 0) {
            return out;
        }
        boolean numpy = mx.isNumpyShape();
        int[] rank = ndims.getValue().getIntArray(0, n);
        Pointer[] rows = data.getValue().getPointerArray(0, n);
        for (int i = 0; i < n; i++) {
            if (rank[i] < 0 || (rank[i] == 0 && !complete && !numpy)) {
                out.add(Shape.unknownRank());
                continue;
            }
            int[] dims = rank[i] == 0 ? new int[0] : rows[i].getIntArray(0, rank[i]);
            for (int d = 0; d < dims.length; d++) {
                if (!complete && (numpy ? dims[d] < 0 : dims[d] == 0)) {
                    dims[d] = Shape.UNKNOWN;
                }
            }
            out.add(complete ? Shape.of(dims) : Shape.partial(dims));
        }
        return out;
    }

    private static List<DType> types(int n, PointerByReference data) {
        List<DType> out = new ArrayList<>(n);
        int[] flags = n == 0 ? new int[0] : data.getValue().getIntArray(0, n);
        for (int f : flags) {
            out.add(f < 0 ? null : DType.fromFlag(f));
        }
        return out;
    }
}
