package dev.kiln.conformance;

import dev.kiln.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One op application to run in both MXNet and Kiln: the op name (MXNet's name or alias), attributes in MXNet's string
 * form, the inputs, the tolerance (null for the output dtype's default), whether it runs in training mode, whether
 * both libraries are expected to reject it, and whether MXNet runs in NumPy shape mode (for empty arrays). Built
 * fluently: {@code OpCase.of("sum", x).attr("axis", 1)}.
 */
record OpCase(String op, Map<String, String> attrs, List<NDArray> inputs, Tolerance tolerance, boolean training,
              boolean rejected, boolean numpyShape) {

    OpCase {
        attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
        inputs = List.copyOf(inputs);
    }

    static OpCase of(String op, NDArray... inputs) {
        return new OpCase(op, Map.of(), Arrays.asList(inputs), null, false, false, false);
    }

    static OpCase of(String op, List<NDArray> inputs) {
        return new OpCase(op, Map.of(), inputs, null, false, false, false);
    }

    /**
     * Adds an attribute; the value is written in MXNet's string form: booleans as {@code True}/{@code False},
     * {@code int[]} as a tuple {@code (2, 3)}, null as {@code None}, anything else with {@code toString()}.
     */
    OpCase attr(String name, Object value) {
        Map<String, String> m = new LinkedHashMap<>(attrs);
        m.put(name, mxnetString(value));
        return new OpCase(op, m, inputs, tolerance, training, rejected, numpyShape);
    }

    /** Compares floating outputs with {@code t} instead of the dtype's default. */
    OpCase tol(Tolerance t) {
        return new OpCase(op, attrs, inputs, t, training, rejected, numpyShape);
    }

    /** Runs with MXNet's and Kiln's training flag set (BatchNorm's batch statistics, Dropout). */
    OpCase inTraining() {
        return new OpCase(op, attrs, inputs, tolerance, true, rejected, numpyShape);
    }

    /** Both MXNet and Kiln must raise an error for this case. */
    OpCase expectRejected() {
        return new OpCase(op, attrs, inputs, tolerance, training, true, numpyShape);
    }

    /**
     * Runs MXNet in NumPy shape mode, where a 0 dim means empty rather than unknown, so zero-size inputs can be
     * compared. Only for ops whose output shapes are the same in both modes (elementwise, axis reductions, joins).
     */
    OpCase withEmptyDims() {
        return new OpCase(op, attrs, inputs, tolerance, training, rejected, true);
    }

    /** The same case under another op name (an alias), to check that the alias is registered and behaves alike. */
    OpCase as(String alias) {
        return new OpCase(alias, attrs, inputs, tolerance, training, rejected, numpyShape);
    }

    static String mxnetString(Object value) {
        return switch (value) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case int[] t -> tuple(t);
            default -> value.toString();
        };
    }

    /** Python's tuple form: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    static String tuple(int... values) {
        StringJoiner j = new StringJoiner(", ", "(", values.length == 1 ? ",)" : ")");
        for (int v : values) {
            j.add(Integer.toString(v));
        }
        return j.toString();
    }

    /** A one-line summary for test names: {@code sum(axis=(1,), keepdims=True) on (3, 4) float32}. */
    String describe() {
        StringJoiner a = new StringJoiner(", ", op + "(", ")");
        attrs.forEach((k, v) -> a.add(k + "=" + v));
        StringJoiner in = new StringJoiner(", ");
        for (NDArray x : inputs) {
            in.add(x.shape() + " " + x.dtype());
        }
        return a + (inputs.isEmpty() ? "" : " on " + in) + (training ? " [training]" : "")
                + (rejected ? " [rejected]" : "") + (numpyShape ? " [numpy shape]" : "");
    }

    /** Inputs with their values (for small ones), to reproduce a failure by hand. */
    String inputDetails(List<String> names) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            NDArray x = inputs.get(i);
            String name = names != null && i < names.size() ? names.get(i) : "input" + i;
            lines.add("  " + name + ": " + x.shape() + " " + x.dtype() + (x.size() <= 48 ? " "
                    + ArrayComparison.values(x) : ""));
        }
        return String.join("\n", lines);
    }
}
