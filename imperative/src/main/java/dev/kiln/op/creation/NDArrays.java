package dev.kiln.op.creation;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.Ops;

import java.util.Arrays;
import java.util.List;

/**
 * User-facing array factories in the style of {@code mx.nd.zeros}, {@code mx.nd.arange}, {@code mx.nd.eye}. Each one
 * runs the corresponding op definition ({@code _zeros}, {@code _arange}, ...), so there is one implementation.
 */
public final class NDArrays {
    private NDArrays() {
    }

    /** A float32 CPU array of zeros. */
    public static NDArray zeros(int... dims) {
        return zeros(Shape.of(dims), DType.FLOAT32, Device.cpu());
    }

    /** An array of zeros ({@code _zeros}). */
    public static NDArray zeros(Shape shape, DType dtype, Device device) {
        return run(FillOp.ZEROS, "shape", shape, "dtype", dtype, "ctx", device.toString());
    }

    /** A float32 CPU array of ones. */
    public static NDArray ones(int... dims) {
        return ones(Shape.of(dims), DType.FLOAT32, Device.cpu());
    }

    /** An array of ones ({@code _ones}). */
    public static NDArray ones(Shape shape, DType dtype, Device device) {
        return run(FillOp.ONES, "shape", shape, "dtype", dtype, "ctx", device.toString());
    }

    /** A float32 CPU array filled with {@code value}. */
    public static NDArray full(Shape shape, double value) {
        return full(shape, value, DType.FLOAT32, Device.cpu());
    }

    /** An array filled with {@code value} rounded to {@code dtype} ({@code _full}). */
    public static NDArray full(Shape shape, double value, DType dtype, Device device) {
        return run(FillOp.FULL, "shape", shape, "value", value, "dtype", dtype, "ctx", device.toString());
    }

    /** Zeros with the shape, dtype and device of {@code like}. */
    public static NDArray zerosLike(NDArray like) {
        return zeros(like.shape(), like.dtype(), like.device());
    }

    /** Ones with the shape, dtype and device of {@code like}. */
    public static NDArray onesLike(NDArray like) {
        return ones(like.shape(), like.dtype(), like.device());
    }

    /** {@code value} with the shape, dtype and device of {@code like}. */
    public static NDArray fullLike(NDArray like, double value) {
        return full(like.shape(), value, like.dtype(), like.device());
    }

    /** {@code [0, stop)} as float32 on the CPU, like {@code mx.nd.arange(stop)}. */
    public static NDArray arange(double stop) {
        return run(ArangeOp.INSTANCE, "start", stop);
    }

    /** {@code [start, stop)} in steps of {@code step}, float32 on the CPU. */
    public static NDArray arange(double start, double stop, double step) {
        return arange(start, stop, step, 1, DType.FLOAT32, Device.cpu());
    }

    /** {@code [start, stop)} in steps of {@code step}, each value repeated {@code repeat} times ({@code _arange}). */
    public static NDArray arange(double start, double stop, double step, int repeat, DType dtype, Device device) {
        return run(ArangeOp.INSTANCE, "start", start, "stop", stop, "step", step, "repeat", repeat, "dtype", dtype,
                "ctx", device.toString());
    }

    /** {@code num} evenly spaced float32 values over {@code [start, stop]}. */
    public static NDArray linspace(double start, double stop, int num) {
        return linspace(start, stop, num, true, DType.FLOAT32, Device.cpu());
    }

    /** {@code num} evenly spaced values from {@code start} to {@code stop} ({@code _linspace}). */
    public static NDArray linspace(double start, double stop, int num, boolean endpoint, DType dtype, Device device) {
        return run(LinspaceOp.INSTANCE, "start", start, "stop", stop, "num", num, "endpoint", endpoint,
                "dtype", dtype, "ctx", device.toString());
    }

    /** The float32 {@code n x n} identity matrix. */
    public static NDArray eye(int n) {
        return eye(n, 0, 0, DType.FLOAT32, Device.cpu());
    }

    /** An {@code n x m} matrix ({@code m=0} means {@code n}) with ones on diagonal {@code k} ({@code _eye}). */
    public static NDArray eye(int n, int m, int k, DType dtype, Device device) {
        return run(EyeOp.INSTANCE, "N", (long) n, "M", (long) m, "k", (long) k, "dtype", dtype,
                "ctx", device.toString());
    }

    private static NDArray run(OpDef op, Object... namesAndValues) {
        return Ops.invoke(op, op.attrs(Ops.attrs(namesAndValues)), List.of()).get(0);
    }

    /** The creation ops, in registration order. */
    static List<OpDef> ops() {
        return Arrays.asList(FillOp.ZEROS, FillOp.ONES, FillOp.FULL, ArangeOp.INSTANCE, LinspaceOp.INSTANCE,
                EyeOp.INSTANCE);
    }
}
