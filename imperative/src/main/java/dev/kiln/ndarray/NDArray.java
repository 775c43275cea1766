package dev.kiln.ndarray;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.autograd.Tape;
import dev.kiln.autograd.TapeEntry;
import dev.kiln.KilnException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dense, row-major n-dimensional array: a {@link Shape}, a {@link DType}, a {@link Device} and a backing Java array.
 * Shape, dtype and device never change; the contents may (in-place updates, {@link #copyTo(NDArray)}), which is what
 * optimizers and parameters need. {@link #reshape(Shape)} returns a view sharing the contents, as MXNet's does.
 * Writes through the public mutating methods are counted ({@link #mutationCount()}), so that values computed from an
 * array (a compiled graph's folded parameters) can be reused until it changes; writes through {@link #data()} are not.
 * <p>
 * An array can be {@link #deferred}: its contents are produced by a {@link PendingContents} (a device copying a
 * result back) on the first access that reads or writes them, through any method or any view made meanwhile, and
 * from then on it is an ordinary array. Shape, dtype, device, views and {@link #isPending()} do not need the
 * contents, so a consumer that can use the pending source directly never causes the copy.
 */
public final class NDArray {
    private final Shape shape;
    private final DType dtype;
    private final Device device;
    private final Object data;
    /** Non-null while the contents of a deferred array have not arrived; shared with views made meanwhile. */
    private volatile Deferral pending;
    /** Counts writes through this array's mutating methods; shared with its views, which share the contents. */
    private final AtomicLong mutations;
    private TapeEntry autogradEntry;

    private NDArray(Shape shape, DType dtype, Device device, Object data) {
        this(shape, dtype, device, data, new AtomicLong(), null);
    }

    private NDArray(Shape shape, DType dtype, Device device, Object data, AtomicLong mutations, Deferral pending) {
        this.shape = shape;
        this.dtype = dtype;
        this.device = device;
        this.data = data;
        this.mutations = mutations;
        this.pending = pending;
    }

    /**
     * Wraps a backing array without copying it. The array must be the type {@link Storage} uses for the dtype and
     * hold exactly {@code shape.size()} elements.
     */
    public static NDArray wrap(Shape shape, DType dtype, Device device, Object data) {
        requireKnown(shape);
        Storage.checkMatches(dtype, data);
        int n = Storage.length(data);
        if (n != shape.size()) {
            throw new KilnException("backing array has " + n + " elements but shape " + shape + " needs " + shape.size());
        }
        return new NDArray(shape, dtype, device, data);
    }

    /**
     * An array whose contents {@code source} produces when they are first read or written (by any method, or
     * through any view made before that): the source runs once, thread-safely, into zeroed storage, and its failure
     * is reported by that access and every later one. Producing the contents is not a {@link #mutationCount()
     * mutation}: they are the array's contents from the start, only delivered late.
     */
    public static NDArray deferred(Shape shape, DType dtype, Device device, PendingContents source) {
        requireKnown(shape);
        java.util.Objects.requireNonNull(source, "source");
        return new NDArray(shape, dtype, device, Storage.allocate(dtype, shape.size()), new AtomicLong(),
                new Deferral(source));
    }

    /** True while this array is {@link #deferred} and its contents have not been produced yet; never produces them. */
    public boolean isPending() {
        return pendingContents() != null;
    }

    /**
     * The source of a {@link #deferred} array whose contents have not been produced yet, else null; never produces
     * them. A consumer that can read the source's value directly (a device binding the device copy) uses it instead
     * of the contents, and the array stays pending.
     */
    public PendingContents pendingContents() {
        Deferral p = pending;
        return p == null ? null : p.source();
    }

    /** The backing array, produced first when the contents of a deferred array are still pending. */
    private Object contents() {
        Deferral p = pending;
        if (p != null) {
            p.complete(data, this);
            pending = null;
        }
        return data;
    }

    private static void requireKnown(Shape shape) {
        if (!shape.isKnown()) {
            throw new KilnException("cannot create an array of partial shape " + shape);
        }
    }

    /** Wraps a float32 array on the CPU without copying. */
    public static NDArray wrap(Shape shape, float[] data) {
        return wrap(shape, DType.FLOAT32, Device.cpu(), data);
    }

    /** A zero-filled array. */
    public static NDArray zeros(Shape shape, DType dtype, Device device) {
        return new NDArray(shape, dtype, device, Storage.allocate(dtype, shape.size()));
    }

    /** A zero-filled float32 array on the CPU. */
    public static NDArray zeros(int... dims) {
        return zeros(Shape.of(dims), DType.FLOAT32, Device.cpu());
    }

    /** An array filled with {@code value} (rounded to the dtype). */
    public static NDArray full(Shape shape, double value, DType dtype, Device device) {
        NDArray a = zeros(shape, dtype, device);
        a.fill(value);
        return a;
    }

    /** A float32 CPU array of ones. */
    public static NDArray ones(int... dims) {
        return full(Shape.of(dims), 1, DType.FLOAT32, Device.cpu());
    }

    /** A 0-d float32 array holding {@code value}. */
    public static NDArray scalar(double value) {
        return full(Shape.scalar(), value, DType.FLOAT32, Device.cpu());
    }

    /** A float32 CPU array of the given shape holding a copy of {@code values}. */
    public static NDArray of(Shape shape, float... values) {
        return wrap(shape, DType.FLOAT32, Device.cpu(), values.clone());
    }

    /** A CPU array of the given shape and dtype holding {@code values} rounded to that dtype. */
    public static NDArray of(Shape shape, DType dtype, double... values) {
        if (values.length != shape.size()) {
            throw new KilnException(values.length + " values given for shape " + shape);
        }
        Object d = Storage.allocate(dtype, values.length);
        for (int i = 0; i < values.length; i++) {
            Storage.set(dtype, d, i, values[i]);
        }
        return new NDArray(shape, dtype, Device.cpu(), d);
    }

    /**
     * Copies a Java array of any rank ({@code float[][]}, {@code int[]}, {@code double[][][]}, {@code boolean[]},
     * ...) into a CPU array; the dtype follows the Java element type and nested arrays must be rectangular.
     */
    public static NDArray from(Object javaArray) {
        return JavaArrays.toNDArray(javaArray);
    }

    /** Copies this array into a nested Java array of its rank and natural element type. */
    public Object toJavaArray() {
        return JavaArrays.fromNDArray(this);
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return device;
    }

    public int rank() {
        return shape.rank();
    }

    public int size() {
        return shape.size();
    }

    /**
     * The live backing array (see {@link Storage} for its type per dtype). Kernels read and write it directly;
     * writing changes this array and every view of it. Writes through this array are not counted by
     * {@link #mutationCount()}: code that changes a value other code may have cached (a parameter a hybridized block
     * reads in inference) must write through {@link #copyTo(NDArray)}, {@link #fill}, {@link #setDouble} or the
     * {@code *InPlace} methods, or call {@link #markMutated()} after writing. For a {@link #deferred} array this
     * produces the contents first, as every method that reads or writes them does.
     */
    public Object data() {
        return contents();
    }

    /** The live float32 backing array; fails for other dtypes. */
    public float[] floatData() {
        requireDType(DType.FLOAT32);
        return (float[]) contents();
    }

    /** The live float64 backing array; fails for other dtypes. */
    public double[] doubleData() {
        requireDType(DType.FLOAT64);
        return (double[]) contents();
    }

    /** Element {@code flat} (row-major index) as a double. */
    public double getDouble(int flat) {
        return Storage.get(dtype, contents(), flat);
    }

    /** Element at an n-d index as a double. */
    public double getDouble(int... index) {
        return Storage.get(dtype, contents(), flatIndex(index));
    }

    /** Writes element {@code flat}, rounding {@code value} to this dtype. */
    public void setDouble(int flat, double value) {
        Storage.set(dtype, contents(), flat, value);
        mutations.incrementAndGet();
    }

    /**
     * How many times the contents were written through this array's mutating methods ({@link #fill},
     * {@link #setDouble}, {@link #copyTo(NDArray)} into it, the {@code *InPlace} methods, {@code Ops.into}) or
     * {@link #markMutated()}, on this array or any view of its contents ({@link #reshape}, {@link #detach}). Compiled
     * inference graphs compare it to reuse values computed from parameters. Writes through {@link #data()} are not
     * counted; two arrays {@link #wrap}ping the same Java array count separately.
     */
    public long mutationCount() {
        return mutations.get();
    }

    /** Records that the contents changed by a write {@link #mutationCount()} cannot see (through {@link #data()}). */
    public void markMutated() {
        mutations.incrementAndGet();
    }

    /** Row-major flat index of an n-d index, bounds-checked. */
    public int flatIndex(int... index) {
        if (index.length != shape.rank()) {
            throw new KilnException("index of rank " + index.length + " for array of shape " + shape);
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            int d = shape.get(i);
            if (index[i] < 0 || index[i] >= d) {
                throw new KilnException("index " + java.util.Arrays.toString(index) + " is out of bounds for shape " + shape);
            }
            flat = flat * d + index[i];
        }
        return flat;
    }

    /** Sets every element to {@code value} (rounded to this dtype). */
    public NDArray fill(double value) {
        Object d = contents();
        switch (d) {
            case float[] a -> java.util.Arrays.fill(a, (float) value);
            case double[] a -> java.util.Arrays.fill(a, value);
            default -> {
                int n = size();
                for (int i = 0; i < n; i++) {
                    Storage.set(dtype, d, i, value);
                }
            }
        }
        mutations.incrementAndGet();
        return this;
    }

    /** The single value of a one-element array, as MXNet's {@code asscalar()}. */
    public double asScalar() {
        if (size() != 1) {
            throw new KilnException("asScalar needs an array of one element, got shape " + shape);
        }
        return getDouble(0);
    }

    /** The single value as a float. */
    public float asFloat() {
        return (float) asScalar();
    }

    /** The single value as a long (exact for int64). */
    public long asLong() {
        if (size() != 1) {
            throw new KilnException("asLong needs an array of one element, got shape " + shape);
        }
        return Storage.getLong(dtype, contents(), 0);
    }

    /** A copy of the contents as float32 values. */
    public float[] toFloatArray() {
        return (float[]) Storage.convert(dtype, contents(), DType.FLOAT32);
    }

    /** A copy of the contents as float64 values. */
    public double[] toDoubleArray() {
        return (double[]) Storage.convert(dtype, contents(), DType.FLOAT64);
    }

    /** A copy of the contents as int32 values (floats truncate). */
    public int[] toIntArray() {
        return (int[]) Storage.convert(dtype, contents(), DType.INT32);
    }

    /** A copy of the contents as int64 values (floats truncate). */
    public long[] toLongArray() {
        return (long[]) Storage.convert(dtype, contents(), DType.INT64);
    }

    /** A copy of the contents as booleans ({@code != 0}). */
    public boolean[] toBooleanArray() {
        int n = size();
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = getDouble(i) != 0;
        }
        return out;
    }

    /** A deep copy on the same device. */
    public NDArray copy() {
        return new NDArray(shape, dtype, device, Storage.copyOf(contents()));
    }

    /**
     * A copy converted to {@code target} with MXNet's casting rules (a plain copy when the dtype is the same).
     * Recorded by autograd as {@code Cast}.
     */
    public NDArray astype(DType target) {
        NDArray out = new NDArray(shape, target, device, Storage.convert(dtype, contents(), target));
        return Tape.recordUnary("Cast", Map.of("dtype", target.mxnetName()), this, out);
    }

    /**
     * A copy of this array on {@code target} (MXNet's {@code copyto(ctx)} / {@code as_in_context}); autograd
     * records it as a copy, so gradients flow back to this device.
     */
    public NDArray copyTo(Device target) {
        return Tape.recordUnary("_copy", Map.of(), this, new NDArray(shape, dtype, target, Storage.copyOf(contents())));
    }

    /** This array if it already lives on {@code target}, else a copy there. */
    public NDArray asInDevice(Device target) {
        return device.equals(target) ? this : copyTo(target);
    }

    /**
     * Copies this array's contents into {@code target}, which must have the same shape; values are cast to the
     * target's dtype. Works across devices.
     */
    public NDArray copyTo(NDArray target) {
        if (!target.shape.equals(shape)) {
            throw new KilnException("copyTo: source shape " + shape + " does not match target shape " + target.shape);
        }
        if (target.data == data) {
            return target;
        }
        Object to = target.contents();
        if (target.dtype == dtype) {
            System.arraycopy(contents(), 0, to, 0, size());
        } else {
            Object converted = Storage.convert(dtype, contents(), target.dtype);
            System.arraycopy(converted, 0, to, 0, size());
        }
        target.mutations.incrementAndGet();
        return target;
    }

    /** {@code this += other} (broadcasting {@code other}), through the {@code add} op; returns this array. */
    public NDArray addInPlace(NDArray other) {
        return dev.kiln.op.Ops.into(this, "broadcast_add", java.util.Map.of(), this, other);
    }

    /** {@code this -= other} (broadcasting {@code other}); returns this array. */
    public NDArray subInPlace(NDArray other) {
        return dev.kiln.op.Ops.into(this, "broadcast_sub", java.util.Map.of(), this, other);
    }

    /** {@code this *= other} (broadcasting {@code other}); returns this array. */
    public NDArray mulInPlace(NDArray other) {
        return dev.kiln.op.Ops.into(this, "broadcast_mul", java.util.Map.of(), this, other);
    }

    /** {@code this /= other} (broadcasting {@code other}); returns this array. */
    public NDArray divInPlace(NDArray other) {
        return dev.kiln.op.Ops.into(this, "broadcast_div", java.util.Map.of(), this, other);
    }

    /** {@code this += scalar}; returns this array. */
    public NDArray addInPlace(double scalar) {
        return dev.kiln.op.Ops.into(this, "_plus_scalar", java.util.Map.of("scalar", scalar), this);
    }

    /** {@code this *= scalar}; returns this array. */
    public NDArray mulInPlace(double scalar) {
        return dev.kiln.op.Ops.into(this, "_mul_scalar", java.util.Map.of("scalar", scalar), this);
    }

    /** A view of the same contents with a new shape of the same size, with MXNet's reshape codes. */
    public NDArray reshape(int... spec) {
        return reshape(shape.reshape(spec));
    }

    /** A view of the same contents with a new shape of the same size. */
    public NDArray reshape(Shape newShape) {
        if (newShape.sizeLong() != shape.sizeLong()) {
            throw new KilnException("reshape: cannot view " + shape + " as " + newShape);
        }
        NDArray view = new NDArray(newShape, dtype, device, data, mutations, pending);
        return Tape.recordUnary("Reshape", Map.of("shape", newShape.dims()), this, view);
    }

    // ---- autograd -------------------------------------------------------------------------------------------

    /** Marks this array as a variable to take gradients for, with a zeroed {@code grad()} buffer ({@code write}). */
    public NDArray attachGrad() {
        return attachGrad(GradReq.WRITE);
    }

    /**
     * Marks this array as a variable with gradient request {@code req}; any recorded history of it is dropped (it
     * becomes a leaf), and {@code grad()} is a new zeroed buffer of its shape and dtype.
     */
    public NDArray attachGrad(GradReq req) {
        NDArray buffer = req == GradReq.NULL ? null : new NDArray(shape, dtype, device, Storage.allocate(dtype,
                size()));
        autogradEntry = new TapeEntry.Variable(req, buffer);
        return this;
    }

    /** The gradient buffer that backward fills; fails if {@link #attachGrad} was not called (or with null). */
    public NDArray grad() {
        if (autogradEntry instanceof TapeEntry.Variable v && v.grad() != null) {
            return v.grad();
        }
        throw new KilnException("grad(): no gradient buffer on this array (" + shape + " " + dtype
                + "); call attachGrad() before recording");
    }

    /** The gradient request set by {@link #attachGrad}, or {@code null} if this array is not a variable. */
    public GradReq gradReq() {
        return autogradEntry instanceof TapeEntry.Variable v ? v.req() : null;
    }

    /** Back-propagates from this array with a head gradient of ones, filling the variables' {@code grad()}. */
    public void backward() {
        Autograd.backward(List.of(this), null, false);
    }

    /** Back-propagates from this array with head gradient {@code headGrad} (same shape). */
    public void backward(NDArray headGrad) {
        Autograd.backward(List.of(this), headGrad == null ? null : List.of(headGrad), false);
    }

    /** As {@link #backward(NDArray)}; {@code retainGraph} keeps the recorded graph for another backward. */
    public void backward(NDArray headGrad, boolean retainGraph) {
        Autograd.backward(List.of(this), headGrad == null ? null : List.of(headGrad), retainGraph);
    }

    /** The same contents with no autograd history: gradients do not flow back through the result. */
    public NDArray detach() {
        return new NDArray(shape, dtype, device, data, mutations, pending);
    }

    /** Autograd's note on this array (internal to autograd; {@code null} if untracked). */
    public TapeEntry autogradEntry() {
        return autogradEntry;
    }

    /** Sets autograd's note on this array (called by autograd only). */
    public void autogradEntry(TapeEntry entry) {
        this.autogradEntry = entry;
    }

    /** True if both arrays share the same backing storage. */
    public boolean sharesStorageWith(NDArray other) {
        return data == other.data;
    }

    private void requireDType(DType t) {
        if (dtype != t) {
            throw new KilnException("expected a " + t + " array, got " + dtype + " of shape " + shape);
        }
    }

    /** MXNet-style: the values (summarised when large), then {@code <NDArray 2x3 @cpu(0)>}. */
    @Override
    public String toString() {
        return NDArrayFormat.format(this);
    }
}
