package dev.kiln.block;

import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.Parameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies of the initialised parameters' data and gradients on every device, taken so that {@link Differential} can
 * start both paths from the same state and put the gradients back afterwards.
 */
final class ParameterSnapshot {
    private final Map<String, Parameter> params;
    private final List<Parameter> initialised = new ArrayList<>();
    private final List<List<NDArray>> data = new ArrayList<>();
    private final List<List<NDArray>> grads = new ArrayList<>();

    ParameterSnapshot(Map<String, Parameter> params) {
        this.params = params;
        for (Parameter p : params.values()) {
            if (p.isInitialized()) {
                initialised.add(p);
                data.add(copies(p.listData()));
                grads.add(p.gradReq() == GradReq.NULL ? null : copies(p.listGrad()));
            }
        }
    }

    /** The parameters by full name. */
    Map<String, Parameter> params() {
        return params;
    }

    /** Puts every parameter's data back as it was. */
    void restoreData() {
        for (int i = 0; i < initialised.size(); i++) {
            write(data.get(i), initialised.get(i).listData());
        }
    }

    /** Puts every gradient back as it was. */
    void restoreGradients() {
        for (int i = 0; i < initialised.size(); i++) {
            if (grads.get(i) != null) {
                write(grads.get(i), initialised.get(i).listGrad());
            }
        }
    }

    /** Zeroes every gradient, so that a backward leaves exactly its own result whatever the grad_req. */
    void zeroGradients() {
        for (Parameter p : initialised) {
            p.zeroGrad();
        }
    }

    /**
     * Sets the gradients on {@code device} to what one backward computing {@code computed} (by name) would have
     * left from the snapshot: the computed value for grad_req write, the saved one plus it for add.
     */
    void applyOnce(Map<String, NDArray> computed, Device device) {
        for (int i = 0; i < initialised.size(); i++) {
            Parameter p = initialised.get(i);
            NDArray g = computed.get(p.name());
            int d = p.devices().indexOf(device);
            if (grads.get(i) == null || g == null || d < 0) {
                continue;
            }
            NDArray target = p.listGrad().get(d);
            g.copyTo(target);
            if (p.gradReq() == GradReq.ADD) {
                target.addInPlace(grads.get(i).get(d));
            }
        }
    }

    /** {@code p}'s data on its default device as it was, or {@code null} if it was not initialised. */
    NDArray saved(Parameter p) {
        int i = initialised.indexOf(p);
        return i < 0 ? null : data.get(i).get(p.devices().indexOf(p.data().device()));
    }

    private static List<NDArray> copies(List<NDArray> arrays) {
        List<NDArray> out = new ArrayList<>(arrays.size());
        for (NDArray a : arrays) {
            out.add(a.copy());
        }
        return out;
    }

    private static void write(List<NDArray> from, List<NDArray> to) {
        for (int d = 0; d < to.size(); d++) {
            from.get(d).copyTo(to.get(d));
        }
    }
}
