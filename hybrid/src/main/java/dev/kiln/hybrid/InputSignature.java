package dev.kiln.hybrid;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What selects a compiled graph: which optional inputs are present, each argument's shape (or only its rank when
 * shapes are not static), dtype and device, training or predict mode, and which arguments need gradients. Equal
 * signatures share one compiled graph. Built per call, so it is a flat int code with a precomputed hash.
 */
public final class InputSignature {
    private final int[] code;
    private final int hash;
    private final List<String> names;
    private final Shape[] shapes;
    private final DType[] dtypes;
    private final Device[] devices;
    private final boolean[] present;
    private final boolean training;
    private final boolean[] grads;
    private final boolean staticShapes;

    private InputSignature(int[] code, List<String> names, NDArray[] args, boolean[] present, boolean training,
                           boolean[] grads, boolean staticShapes) {
        this.code = code;
        this.hash = Arrays.hashCode(code);
        this.names = names;
        this.shapes = new Shape[args.length];
        this.dtypes = new DType[args.length];
        this.devices = new Device[args.length];
        for (int i = 0; i < args.length; i++) {
            shapes[i] = args[i].shape();
            dtypes[i] = args[i].dtype();
            devices[i] = args[i].device();
        }
        this.present = present;
        this.training = training;
        this.grads = grads;
        this.staticShapes = staticShapes;
    }

    /**
     * The signature of a call: {@code args} are the graph's arguments in order ({@code names}), {@code present}
     * says which of the block's inputs were given, {@code grads} which arguments need a gradient ({@code null} for
     * none).
     */
    public static InputSignature of(List<String> names, NDArray[] args, boolean[] present, boolean training,
                                    boolean[] grads, boolean staticShapes) {
        int n = 2 + present.length + args.length * 4;
        if (staticShapes) {
            for (NDArray a : args) {
                n += a.shape().rank();
            }
        }
        int[] c = new int[n];
        int k = 0;
        c[k++] = training ? 1 : 0;
        c[k++] = present.length;
        for (boolean p : present) {
            c[k++] = p ? 1 : 0;
        }
        for (int i = 0; i < args.length; i++) {
            NDArray a = args[i];
            Device d = a.device();
            c[k++] = a.dtype().ordinal();
            c[k++] = d.kind().ordinal() << 16 | d.id();
            c[k++] = a.shape().rank() << 1 | (grads != null && grads[i] ? 1 : 0);
            c[k++] = -1;
            if (staticShapes) {
                for (int dim : a.shape().dims()) {
                    c[k++] = dim;
                }
            }
        }
        return new InputSignature(c, names, args, present, training, grads, staticShapes);
    }

    /**
     * Whether a call on {@code args} of the same graph (so the same argument names and present inputs) in mode
     * {@code training}, with {@code grads} needing gradients, has this signature; equivalent to comparing
     * {@link #of} of the call with this one, but allocates nothing.
     */
    boolean matches(NDArray[] args, boolean training, boolean[] grads) {
        if (training != this.training || args.length != shapes.length) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            NDArray a = args[i];
            Shape s = a.shape();
            if (a.dtype() != dtypes[i] || !a.device().equals(devices[i]) || s.rank() != shapes[i].rank()
                    || staticShapes && !s.equals(shapes[i])
                    || (grads != null && grads[i]) != (this.grads != null && this.grads[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the call ran in training mode. */
    public boolean training() {
        return training;
    }

    /** The arguments that need gradients, by name, in argument order. */
    public List<String> gradients() {
        List<String> out = new ArrayList<>();
        if (grads != null) {
            for (int i = 0; i < grads.length; i++) {
                if (grads[i]) {
                    out.add(names.get(i));
                }
            }
        }
        return out;
    }

    /** The argument shapes of the call that made this signature. */
    public List<Shape> shapes() {
        return List.of(shapes);
    }

    /** The argument dtypes of the call that made this signature. */
    public List<DType> dtypes() {
        return List.of(dtypes);
    }

    /**
     * The device the graph runs for: the first argument not on the CPU ({@code gpu(i)}), else {@code cpu(0)}; ops
     * refuse to mix devices, so the arguments of a call agree on it.
     */
    public Device device() {
        for (Device d : devices) {
            if (!d.equals(Device.cpu())) {
                return d;
            }
        }
        return Device.cpu();
    }

    /** The first difference from {@code other}, as a user reads it ("input 'data' shape (4, 3), cached (2, 3)"). */
    public String differenceFrom(InputSignature other) {
        if (training != other.training) {
            return "mode " + mode(training) + ", cached " + mode(other.training);
        }
        if (!Arrays.equals(present, other.present)) {
            return "optional inputs present " + Arrays.toString(present) + ", cached " + Arrays.toString(other.present);
        }
        if (shapes.length != other.shapes.length) {
            return shapes.length + " arguments, cached " + other.shapes.length;
        }
        for (int i = 0; i < shapes.length; i++) {
            String what = "argument '" + names.get(i) + "'";
            if (dtypes[i] != other.dtypes[i]) {
                return what + " dtype " + dtypes[i].mxnetName() + ", cached " + other.dtypes[i].mxnetName();
            }
            if (!devices[i].equals(other.devices[i])) {
                return what + " device " + devices[i] + ", cached " + other.devices[i];
            }
            if (shapes[i].rank() != other.shapes[i].rank() || staticShapes && !shapes[i].equals(other.shapes[i])) {
                return what + " shape " + shapes[i] + ", cached " + other.shapes[i];
            }
            boolean ga = grads != null && grads[i];
            boolean gb = other.grads != null && other.grads[i];
            if (ga != gb) {
                return what + (ga ? " needs" : " needs no") + " gradient, cached" + (gb ? " needs" : " needs no");
            }
        }
        return "no difference";
    }

    /** How many components differ from {@code other}; used to explain a miss by the nearest cached signature. */
    int distance(InputSignature other) {
        if (code.length != other.code.length) {
            return Integer.MAX_VALUE / 2 + Math.abs(code.length - other.code.length);
        }
        int d = 0;
        for (int i = 0; i < code.length; i++) {
            if (code[i] != other.code[i]) {
                d++;
            }
        }
        return d;
    }

    private static String mode(boolean training) {
        return training ? "training" : "predict";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSignature s && hash == s.hash && Arrays.equals(code, s.code);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(mode(training)).append('(');
        for (int i = 0; i < shapes.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names.get(i)).append(": ")
                    .append(staticShapes ? shapes[i].toString() : "rank " + shapes[i].rank()).append(' ')
                    .append(dtypes[i].mxnetName());
            if (!devices[i].equals(Device.cpu())) {
                sb.append(" @").append(devices[i]);
            }
            if (grads != null && grads[i]) {
                sb.append(" grad");
            }
        }
        return sb.append(')').toString();
    }
}
