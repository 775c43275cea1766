package dev.kiln.ndarray;

/**
 * MXNet's text form of an array: NumPy-style nested brackets (large arrays summarised with {@code ...}, keeping
 * {@value #EDGE_ITEMS} items at each edge once the array has more than {@value #THRESHOLD} elements), then a footer
 * {@code <NDArray 2x3 @cpu(0)>}.
 */
final class NDArrayFormat {
    static final int THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;

    private NDArrayFormat() {
    }

    static String format(NDArray a) {
        StringBuilder sb = new StringBuilder();
        sb.append('\n');
        boolean summarise = a.shape().sizeLong() > THRESHOLD;
        if (a.rank() == 0) {
            sb.append(element(a, 0));
        } else {
            appendDim(sb, a, 0, 0, summarise);
        }
        sb.append("\n<NDArray ").append(a.shape().toCompactString()).append(" @").append(a.device()).append('>');
        return sb.toString();
    }

    private static void appendDim(StringBuilder sb, NDArray a, int depth, int offset, boolean summarise) {
        int[] dims = a.shape().dims();
        int n = dims[depth];
        int stride = a.shape().sizeOf(depth + 1, dims.length);
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                sb.append(depth == dims.length - 1 ? "..." : "...");
                i = n - EDGE_ITEMS - 1;
                separator(sb, depth, dims.length);
                continue;
            }
            if (depth == dims.length - 1) {
                sb.append(element(a, offset + i));
            } else {
                appendDim(sb, a, depth + 1, offset + i * stride, summarise);
            }
            if (i < n - 1) {
                separator(sb, depth, dims.length);
            }
        }
        sb.append(']');
    }

    private static void separator(StringBuilder sb, int depth, int rank) {
        if (depth == rank - 1) {
            sb.append(' ');
        } else {
            sb.append("\n".repeat(rank - depth - 1)).append(" ".repeat(depth + 1));
        }
    }

    private static String element(NDArray a, int flat) {
        double v = a.getDouble(flat);
        if (a.dtype() == DType.BOOL) {
            return v != 0 ? "True" : "False";
        }
        if (a.dtype().isIntegral()) {
            return Long.toString(Storage.getLong(a.dtype(), a.data(), flat));
        }
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e16) {
            return (long) v + ".";
        }
        return String.format(java.util.Locale.ROOT, "%.8g", v).replaceAll("0+$", "").replaceAll("0+e", "e");
    }
}
