package dev.kiln.rnn;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * One recurrent state a layer or cell carries between steps (Gluon's {@code state_info} entries): its shape for a
 * batch size ({@code 0} where the batch size was not given), its layout ({@code LNC} for a layer's stacked states,
 * {@code NC} for a cell's) and dtype.
 */
public record StateInfo(Shape shape, String layout, DType dtype) {

    /** Zeros of this state's shape and dtype on {@code device} (the batch size must be known). */
    public NDArray zeros(Device device) {
        return NDArray.zeros(shape, dtype, device);
    }

    /** Zeros for each of {@code states}: a layer's or cell's begin states. */
    static List<NDArray> zeros(List<StateInfo> states, Device device) {
        List<NDArray> out = new ArrayList<>();
        for (StateInfo s : states) {
            out.add(s.zeros(device));
        }
        return out;
    }
}
