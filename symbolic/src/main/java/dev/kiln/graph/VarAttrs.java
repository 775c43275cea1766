package dev.kiln.graph;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.PythonFormat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code Symbol.var} keywords into the annotations MXNet stores on a variable node, with MXNet's string forms:
 * {@code __shape__ = "(128, 0)"} (0 = unknown dim), {@code __dtype__ = "0"} (the dtype flag), {@code __lr_mult__ =
 * "1.0"}, {@code __wd_mult__}, {@code __init__}, {@code __storage_type__}; and reads {@code __shape__} back.
 */
public final class VarAttrs {
    public static final String SHAPE = "__shape__";
    public static final String DTYPE = "__dtype__";
    public static final String INIT = "__init__";
    public static final String LR_MULT = "__lr_mult__";
    public static final String WD_MULT = "__wd_mult__";
    public static final String STORAGE_TYPE = "__storage_type__";

    private VarAttrs() {
    }

    public static Map<String, String> annotations(String name, Map<String, ?> attrs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : attrs.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            switch (key) {
                case "shape" -> out.put(SHAPE, formatShape(toShape(name, v)));
                case "dtype" -> out.put(DTYPE, Integer.toString(toDType(v).flag()));
                case "init" -> out.put(INIT, v.toString());
                case "lr_mult" -> out.put(LR_MULT, number(name, key, v));
                case "wd_mult" -> out.put(WD_MULT, number(name, key, v));
                case "stype" -> out.put(STORAGE_TYPE, storageType(name, v));
                default -> {
                    if (!(key.startsWith("__") && key.endsWith("__"))) {
                        throw new KilnException("Symbol.var('" + name + "'): unknown attribute '" + key + "'; use "
                                + "shape, dtype, init, lr_mult, wd_mult, stype or a __name__ annotation");
                    }
                    out.put(key, PythonFormat.str(v));
                }
            }
        }
        return out;
    }

    /** MXNet's legacy shape string: a Python tuple with 0 for each unknown dim, {@code ()} for unknown rank too. */
    public static String formatShape(Shape s) {
        if (!s.isRankKnown()) {
            return "()";
        }
        int[] d = s.dims();
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < d.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(d[i] == Shape.UNKNOWN ? 0 : d[i]);
        }
        return sb.append(d.length == 1 ? ",)" : ")").toString();
    }

    /**
     * Parses a {@code __shape__} string; 0 and -1 dims are unknown (legacy MXNet and NumPy-mode spellings), and
     * {@code ()} is an unknown shape, as MXNet's legacy shape semantics have it.
     */
    public static Shape parseShape(String text) {
        String t = text.trim();
        if (!(t.startsWith("(") && t.endsWith(")")) && !(t.startsWith("[") && t.endsWith("]"))) {
            throw new KilnException("bad shape string '" + text + "': expected a tuple like (2, 3)");
        }
        String body = t.substring(1, t.length() - 1).trim();
        if (body.isEmpty()) {
            return Shape.unknownRank();
        }
        String[] parts = body.split(",");
        int n = parts[parts.length - 1].isBlank() ? parts.length - 1 : parts.length;
        int[] dims = new int[n];
        for (int i = 0; i < n; i++) {
            String p = parts[i].trim().replaceAll("L$", "");
            long d;
            try {
                d = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw new KilnException("bad shape string '" + text + "': '" + p + "' is not an integer");
            }
            if (d < -1 || d > Integer.MAX_VALUE) {
                throw new KilnException("bad shape string '" + text + "': dim " + d + " is out of range");
            }
            dims[i] = d <= 0 ? Shape.UNKNOWN : (int) d;
        }
        return Shape.partial(dims);
    }

    /** A user-given shape: a Shape, int[] or list of numbers, where 0 (as in Gluon) and -1 mark unknown dims. */
    public static Shape toShape(String name, Object v) {
        int[] dims = switch (v) {
            case Shape s -> s.isRankKnown() ? s.dims() : null;
            case int[] a -> a.clone();
            case List<?> l -> l.stream().mapToInt(x -> ((Number) x).intValue()).toArray();
            case String s -> {
                Shape p = parseShape(s);
                yield p.isRankKnown() ? p.dims() : null;
            }
            default -> throw new KilnException("Symbol.var('" + name + "'): shape must be a Shape, int[] or list, got "
                    + v.getClass().getSimpleName());
        };
        if (dims == null) {
            return Shape.unknownRank();
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) {
                dims[i] = Shape.UNKNOWN;
            }
        }
        return Shape.partial(dims);
    }

    private static DType toDType(Object v) {
        return v instanceof DType d ? d : DType.fromName(v.toString());
    }

    private static String number(String name, String key, Object v) {
        return switch (v) {
            case Number n -> PythonFormat.str(n);
            default -> throw new KilnException("Symbol.var('" + name + "'): " + key + " must be a number, got " + v);
        };
    }

    private static String storageType(String name, Object v) {
        return switch (v.toString()) {
            case "default", "0" -> "0";
            case "row_sparse", "1" -> "1";
            case "csr", "2" -> "2";
            default -> throw new KilnException("Symbol.var('" + name + "'): unknown stype '" + v + "'");
        };
    }
}
