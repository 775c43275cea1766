package dev.kiln.conformance;

import com.sun.jna.Pointer;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

/**
 * One MXNet NDArray handle owned by the harness. Close it (or use try-with-resources) to free the native array;
 * {@link #toNDArray()} copies its contents into a Kiln array.
 */
public final class MXArray implements AutoCloseable {
    private final MXNet mx;
    private Pointer handle;

    /** Takes ownership of a native array handle (one an MXNet call returned). */
    public MXArray(MXNet mx, Pointer handle) {
        this.mx = mx;
        this.handle = handle;
    }

    public Pointer handle() {
        if (handle == null) {
            throw new IllegalStateException("MXNet array already freed");
        }
        return handle;
    }

    Shape shape() {
        return mx.shapeOf(handle());
    }

    DType dtype() {
        return mx.dtypeOf(handle());
    }

    /** A Kiln CPU array holding a copy of this array's shape, dtype and values. */
    public NDArray toNDArray() {
        return mx.copyToKiln(handle());
    }

    @Override
    public void close() {
        if (handle != null) {
            Pointer h = handle;
            handle = null;
            mx.free(h);
        }
    }
}
