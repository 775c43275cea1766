package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A block's input structure as export needs it: per input position, absent ({@code null} shape) or present with its
 * shape and dtype ({@code null} dtype where unknown, as for declared shapes). Recorded by every eager forward of a
 * {@link HybridBlock}, so that the last call decides what {@code export} writes.
 *
 * @param shapes one per position; {@code null} marks an absent optional input
 * @param dtypes one per position; {@code null} where absent or unknown
 */
record ExportSignature(List<Shape> shapes, List<DType> dtypes) {

    ExportSignature {
        if (shapes.size() != dtypes.size()) {
            throw new IllegalArgumentException(shapes.size() + " shapes but " + dtypes.size() + " dtypes");
        }
        shapes = Collections.unmodifiableList(new ArrayList<>(shapes));
        dtypes = Collections.unmodifiableList(new ArrayList<>(dtypes));
    }

    /**
     * The signature of {@code inputs}; {@code previous} itself when it already describes them, so that repeated
     * calls with the same structure allocate nothing.
     */
    static ExportSignature seen(ExportSignature previous, List<NDArray> inputs) {
        if (previous != null && previous.describes(inputs)) {
            return previous;
        }
        List<Shape> shapes = new ArrayList<>(inputs.size());
        List<DType> dtypes = new ArrayList<>(inputs.size());
        for (NDArray x : inputs) {
            shapes.add(x == null ? null : x.shape());
            dtypes.add(x == null ? null : x.dtype());
        }
        return new ExportSignature(shapes, dtypes);
    }

    /** Inputs of the declared shapes ({@code null} for an absent one), dtypes unknown. */
    static ExportSignature declared(Shape... shapes) {
        if (shapes == null || shapes.length == 0) {
            throw new KilnException("export with declared input shapes needs at least one shape");
        }
        List<Shape> list = java.util.Arrays.asList(shapes.clone());
        return new ExportSignature(list, Collections.nCopies(list.size(), null));
    }

    int size() {
        return shapes.size();
    }

    boolean present(int position) {
        return shapes.get(position) != null;
    }

    private boolean describes(List<NDArray> inputs) {
        if (inputs.size() != shapes.size()) {
            return false;
        }
        for (int i = 0; i < inputs.size(); i++) {
            NDArray x = inputs.get(i);
            if (x == null ? shapes.get(i) != null
                    : x.dtype() != dtypes.get(i) || !x.shape().equals(shapes.get(i))) {
                return false;
            }
        }
        return true;
    }
}
