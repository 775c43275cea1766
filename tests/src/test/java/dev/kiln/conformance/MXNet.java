package dev.kiln.conformance;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Real MXNet 1.9, loaded once per JVM from the native jar on the test class path, driven through its C API. Arrays
 * cross by copy: {@link #array(NDArray)} uploads a Kiln array, {@link MXArray#toNDArray()} downloads one.
 *
 * <p>Before the library loads, the harness sets (unless already set in the environment) MXNet's synchronous
 * {@code NaiveEngine}, one OpenMP thread and no operator auto-tuning: errors then surface from the call that caused
 * them, results do not depend on thread timing, and start-up is quicker. Calls are serialised on this object.
 */
public final class MXNet {
    private static final int CPU = 1;
    private static MXNet instance;

    private final MXNetCApi api;
    private final int version;
    private final Set<String> opNames;
    private final Map<String, Pointer> opHandles = new HashMap<>();
    private final long loadMillis;
    private final Path libraryPath;
    private boolean numpyShape;

    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    private MXNet() {
        long start = System.nanoTime();
        configureEnvironment();
        libraryPath = MXNetNativeLibrary.locate();
        api = Native.load(libraryPath.toString(), MXNetCApi.class);
        IntByReference v = new IntByReference();
        check(api.MXGetVersion(v), "MXGetVersion");
        version = v.getValue();
        // as `import mxnet` does: listing the ops once completes their registration
        IntByReference n = new IntByReference();
        PointerByReference names = new PointerByReference();
        check(api.MXListAllOpNames(n, names), "MXListAllOpNames");
        opNames = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names.getValue().getStringArray(0,
                n.getValue()))));
        loadMillis = (System.nanoTime() - start) / 1_000_000;
    }

    /** The process-wide instance; the first call unpacks (if needed) and loads the library. */
    public static synchronized MXNet get() {
        if (instance == null) {
            instance = new MXNet();
        }
        return instance;
    }

    /**
     * Sets environment variable {@code name} of this process before MXNet loads (it reads {@code OMP_NUM_THREADS}
     * and the engine type once, at load), overriding the harness defaults; fails once the library is loaded.
     */
    public static synchronized void presetEnvironment(String name, String value) {
        if (instance != null) {
            throw new IllegalStateException("MXNet is already loaded; set " + name + " before the first MXNet.get()");
        }
        Native.load("c", LibC.class).setenv(name, value, 1);
    }

    private static void configureEnvironment() {
        LibC libc = Native.load("c", LibC.class);
        libc.setenv("MXNET_ENGINE_TYPE", "NaiveEngine", 0);
        libc.setenv("OMP_NUM_THREADS", "1", 0);
        libc.setenv("MXNET_USE_OPERATOR_TUNING", "0", 0);
    }

    /** {@code MXGetVersion()}: 10900 for the 1.9.1 artifact. */
    public int version() {
        return version;
    }

    /** Every op name and alias MXNet registers. */
    Set<String> opNames() {
        return opNames;
    }

    /** Milliseconds the first {@link #get()} took: unpacking (if needed), loading, listing ops. */
    long loadMillis() {
        return loadMillis;
    }

    Path libraryPath() {
        return libraryPath;
    }

    /** Uploads a copy of a Kiln array (any device's contents; MXNet keeps it on its CPU). */
    public synchronized MXArray array(NDArray a) {
        Shape shape = a.shape();
        if (!numpyShape && shape.rank() == 0) {
            // MXNet 1.x's legacy (non-NumPy) shape mode reads ndim 0 as "unknown"; zero-size arrays such as (2, 0)
            // exist there (they save and load), though its ops read a 0 dim as unknown
            throw new IllegalArgumentException("MXNet's legacy shape mode cannot hold an array of shape " + shape);
        }
        PointerByReference out = new PointerByReference();
        check(api.MXNDArrayCreateEx(shape.dims(), shape.rank(), CPU, 0, 0, a.dtype().flag(), out),
                "MXNDArrayCreateEx(" + shape + ", " + a.dtype() + ")");
        MXArray arr = new MXArray(this, out.getValue());
        int n = a.size();
        if (n > 0) {
            Memory mem = new Memory((long) n * a.dtype().byteSize());
            switch (a.data()) {
                case float[] d -> mem.write(0, d, 0, n);
                case double[] d -> mem.write(0, d, 0, n);
                case short[] d -> mem.write(0, d, 0, n);
                case byte[] d -> mem.write(0, d, 0, n);
                case int[] d -> mem.write(0, d, 0, n);
                case long[] d -> mem.write(0, d, 0, n);
                default -> throw new IllegalArgumentException("unsupported backing array " + a.data().getClass());
            }
            check(api.MXNDArraySyncCopyFromCPU(arr.handle(), mem, n), "MXNDArraySyncCopyFromCPU");
        }
        return arr;
    }

    /**
     * Runs op {@code name} with MXNet string attributes on {@code inputs} and returns every output; the caller closes
     * them.
     */
    public synchronized List<MXArray> invoke(String name, Map<String, String> attrs, List<MXArray> inputs) {
        Pointer op = opHandles.computeIfAbsent(name, this::opHandle);
        Pointer[] in = new Pointer[inputs.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = inputs.get(i).handle();
        }
        String[] keys = attrs.keySet().toArray(String[]::new);
        String[] vals = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            vals[i] = attrs.get(keys[i]);
        }
        IntByReference numOut = new IntByReference(0);
        PointerByReference outs = new PointerByReference(Pointer.NULL);
        check(api.MXImperativeInvoke(op, in.length, in, numOut, outs, keys.length, keys, vals),
                "MXImperativeInvoke(" + name + ", " + attrs + ")");
        Pointer[] handles = outs.getValue().getPointerArray(0, numOut.getValue());
        List<MXArray> result = new ArrayList<>(handles.length);
        for (Pointer h : handles) {
            result.add(new MXArray(this, h));
        }
        return result;
    }

    /** Runs an op on Kiln arrays and returns MXNet's outputs as Kiln arrays (all native arrays are freed). */
    List<NDArray> invokeOnKilnArrays(String name, Map<String, String> attrs, List<NDArray> inputs) {
        List<MXArray> in = new ArrayList<>();
        try {
            for (NDArray a : inputs) {
                in.add(array(a));
            }
            List<MXArray> out = invoke(name, attrs, in);
            List<NDArray> result = new ArrayList<>(out.size());
            try {
                for (MXArray o : out) {
                    result.add(o.toNDArray());
                }
            } finally {
                out.forEach(MXArray::close);
            }
            return result;
        } finally {
            in.forEach(MXArray::close);
        }
    }

    /** Sets MXNet's training flag ({@code autograd.train_mode}) and returns the previous value. */
    public synchronized boolean setTraining(boolean training) {
        IntByReference prev = new IntByReference();
        check(api.MXAutogradSetIsTraining(training ? 1 : 0, prev), "MXAutogradSetIsTraining");
        return prev.getValue() != 0;
    }

    /**
     * Switches MXNet's NumPy shape semantics for this thread ({@code mx.set_np_shape}): a 0 dim means empty and 0-d
     * arrays exist. Returns the previous setting.
     */
    synchronized boolean setNumpyShape(boolean on) {
        IntByReference prev = new IntByReference();
        check(api.MXSetIsNumpyShape(on ? 1 : 0, prev), "MXSetIsNumpyShape");
        numpyShape = on;
        return prev.getValue() != 0;
    }

    /** True while MXNet runs in NumPy shape mode (see {@link #setNumpyShape}). */
    synchronized boolean isNumpyShape() {
        return numpyShape;
    }

    /** Sets MXNet's recording flag ({@code autograd.record}) and returns the previous value. */
    public synchronized boolean setRecording(boolean recording) {
        IntByReference prev = new IntByReference();
        check(api.MXAutogradSetIsRecording(recording ? 1 : 0, prev), "MXAutogradSetIsRecording");
        return prev.getValue() != 0;
    }

    /** Marks {@code vars} as variables whose gradients are written into {@code grads} ({@code attach_grad}). */
    public synchronized void markVariables(List<MXArray> vars, List<MXArray> grads) {
        Pointer[] v = vars.stream().map(MXArray::handle).toArray(Pointer[]::new);
        Pointer[] g = grads.stream().map(MXArray::handle).toArray(Pointer[]::new);
        int[] reqs = new int[v.length];
        Arrays.fill(reqs, 1);
        check(api.MXAutogradMarkVariables(v.length, v, reqs, g), "MXAutogradMarkVariables");
    }

    /** Back-propagates from {@code outputs} with head gradients of ones ({@code autograd.backward}). */
    public synchronized void backward(List<MXArray> outputs) {
        Pointer[] o = outputs.stream().map(MXArray::handle).toArray(Pointer[]::new);
        check(api.MXAutogradBackward(o.length, o, null, 0), "MXAutogradBackward");
    }

    /** Back-propagates from {@code outputs} with the given head gradients. */
    synchronized void backward(List<MXArray> outputs, List<MXArray> headGrads) {
        Pointer[] o = outputs.stream().map(MXArray::handle).toArray(Pointer[]::new);
        Pointer[] g = headGrads.stream().map(MXArray::handle).toArray(Pointer[]::new);
        check(api.MXAutogradBackward(o.length, o, g, 0), "MXAutogradBackward");
    }

    /** Seeds MXNet's random generators ({@code mx.random.seed}). */
    synchronized void seed(int seed) {
        check(api.MXRandomSeed(seed), "MXRandomSeed");
    }

    /** Writes a {@code .params} file with MXNet's own writer; {@code keys} null writes a list file. */
    synchronized void save(Path file, List<String> keys, List<NDArray> arrays) {
        List<MXArray> handles = new ArrayList<>();
        try {
            for (NDArray a : arrays) {
                handles.add(array(a));
            }
            Pointer[] ptrs = handles.stream().map(MXArray::handle).toArray(Pointer[]::new);
            check(api.MXNDArraySave(file.toString(), ptrs.length, ptrs,
                    keys == null ? null : keys.toArray(String[]::new)), "MXNDArraySave(" + file + ")");
        } finally {
            handles.forEach(MXArray::close);
        }
    }

    /** What {@link #load} read: the names (empty for a list file) and the arrays, in file order. */
    record Loaded(List<String> names, List<NDArray> arrays) {
    }

    /** Reads a {@code .params} file with MXNet's own reader. */
    synchronized Loaded load(Path file) {
        IntByReference size = new IntByReference();
        PointerByReference arrs = new PointerByReference();
        IntByReference nameSize = new IntByReference();
        PointerByReference names = new PointerByReference();
        check(api.MXNDArrayLoad(file.toString(), size, arrs, nameSize, names), "MXNDArrayLoad(" + file + ")");
        List<String> keys = nameSize.getValue() == 0 ? List.of()
                : List.of(names.getValue().getStringArray(0, nameSize.getValue()));
        List<NDArray> arrays = new ArrayList<>();
        Pointer[] handles = size.getValue() == 0 ? new Pointer[0] : arrs.getValue().getPointerArray(0, size.getValue());
        for (Pointer h : handles) {
            try (MXArray a = new MXArray(this, h)) {
                arrays.add(a.toNDArray());
            }
        }
        return new Loaded(keys, arrays);
    }

    synchronized Shape shapeOf(Pointer handle) {
        IntByReference ndim = new IntByReference();
        PointerByReference dims = new PointerByReference();
        check(api.MXNDArrayGetShapeEx(handle, ndim, dims), "MXNDArrayGetShapeEx");
        int rank = ndim.getValue();
        if (rank < 0) {
            throw new IllegalStateException("MXNet array of unknown rank");
        }
        return Shape.of(rank == 0 ? new int[0] : dims.getValue().getIntArray(0, rank));
    }

    synchronized DType dtypeOf(Pointer handle) {
        IntByReference t = new IntByReference();
        check(api.MXNDArrayGetDType(handle, t), "MXNDArrayGetDType");
        return DType.fromFlag(t.getValue());
    }

    synchronized NDArray copyToKiln(Pointer handle) {
        Shape shape = shapeOf(handle);
        DType dtype = dtypeOf(handle);
        int n = shape.size();
        Object data = Storage.allocate(dtype, n);
        if (n > 0) {
            Memory mem = new Memory((long) n * dtype.byteSize());
            check(api.MXNDArraySyncCopyToCPU(handle, mem, n), "MXNDArraySyncCopyToCPU");
            switch (data) {
                case float[] d -> mem.read(0, d, 0, n);
                case double[] d -> mem.read(0, d, 0, n);
                case short[] d -> mem.read(0, d, 0, n);
                case byte[] d -> mem.read(0, d, 0, n);
                case int[] d -> mem.read(0, d, 0, n);
                case long[] d -> mem.read(0, d, 0, n);
                default -> throw new IllegalStateException("unsupported backing array " + data.getClass());
            }
        }
        return NDArray.wrap(shape, dtype, Device.cpu(), data);
    }

    synchronized void free(Pointer handle) {
        check(api.MXNDArrayFree(handle), "MXNDArrayFree");
    }

    /** The C API, for the symbol bindings in {@link MXSymbol}; callers serialise on this object. */
    public MXNetCApi api() {
        return api;
    }

    /** True if MXNet can be loaded here; tests that need it are skipped otherwise. */
    static boolean isAvailable() {
        try {
            get();
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The handle of op {@code name} (the C API's op handle and atomic symbol creator). */
    synchronized Pointer opHandleOf(String name) {
        return opHandles.computeIfAbsent(name, this::opHandle);
    }

    private Pointer opHandle(String name) {
        if (!opNames.contains(name)) {
            throw new MXNetException("NNGetOpHandle(" + name + ")", "MXNet has no op named '" + name + "'");
        }
        PointerByReference h = new PointerByReference();
        check(api.NNGetOpHandle(name, h), "NNGetOpHandle(" + name + ")");
        return h.getValue();
    }

    public void check(int rc, String call) {
        if (rc != 0) {
            throw new MXNetException(call, api.MXGetLastError());
        }
    }
}
