package dev.kiln.io;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} array: dtype, byte order, memory order and shape, read from and written as NumPy's
 * Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. Parsing accepts only that
 * literal form (strings, booleans, tuples of non-negative ints) and exactly those three keys.
 *
 * @param dtype    the element type
 * @param order    the byte order of the data
 * @param fortran  true if the data is in column-major order
 * @param shape    the array's shape
 */
record NpyHeader(DType dtype, ByteOrder order, boolean fortran, Shape shape) {

    /** A problem with a header, described for the caller to prefix with the file name. */
    static final class BadHeader extends Exception {
        BadHeader(String message) {
            super(message);
        }
    }

    /** The {@code descr} NumPy uses for a dtype; bfloat16 has none and is written as float32. */
    static String descr(DType t) {
        return switch (t) {
            case FLOAT32, BFLOAT16 -> "<f4";
            case FLOAT64 -> "<f8";
            case FLOAT16 -> "<f2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case BOOL -> "|b1";
        };
    }

    /** The dict literal for a C-order little-endian array of this dtype and shape (without padding). */
    static String dictFor(DType t, Shape shape) {
        return "{'descr': '" + descr(t) + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    /** Parses the dict literal of a header. */
    static NpyHeader parse(String text) throws BadHeader {
        Map<String, Object> dict = new Parser(text).dict();
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new BadHeader("header keys are " + dict.keySet() + ", expected descr, fortran_order and shape");
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new BadHeader("header 'descr' is " + dict.get("descr") + "; structured dtypes are not supported");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new BadHeader("header 'fortran_order' must be True or False, got " + dict.get("fortran_order"));
        }
        if (!(dict.get("shape") instanceof long[] dims)) {
            throw new BadHeader("header 'shape' must be a tuple of ints, got " + dict.get("shape"));
        }
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        String code = descr;
        if (!descr.isEmpty() && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            code = descr.substring(1);
        }
        DType t = switch (code) {
            case "f2" -> DType.FLOAT16;
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "i1" -> DType.INT8;
            case "u1" -> DType.UINT8;
            case "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            case "b1", "?" -> DType.BOOL;
            default -> throw new BadHeader("unsupported dtype '" + descr
                    + "' (Kiln reads f2, f4, f8, i1, u1, i4, i8 and b1)");
        };
        for (long d : dims) {
            if (d > Integer.MAX_VALUE) {
                throw new BadHeader("shape " + tuple(dims) + " has a dimension larger than a Java array holds");
            }
        }
        int[] intDims = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            intDims[i] = (int) dims[i];
        }
        return new NpyHeader(t, order, fortran, Shape.of(intDims));
    }

    private static String tuple(long[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? ", " : "").append(dims[i]);
        }
        return sb.append(dims.length == 1 ? ",)" : ")").toString();
    }

    /** A recursive-descent reader of the Python literals a header may hold. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Map<String, Object> dict() throws BadHeader {
            skipSpace();
            expect('{');
            Map<String, Object> out = new LinkedHashMap<>();
            skipSpace();
            while (peek() != '}') {
                Object key = value();
                if (!(key instanceof String k)) {
                    throw new BadHeader("header dict key " + key + " is not a string");
                }
                skipSpace();
                expect(':');
                Object v = value();
                if (out.put(k, v) != null) {
                    throw new BadHeader("header repeats key '" + k + "'");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw bad("expected ',' or '}'");
                }
            }
            pos++;
            skipSpace();
            if (pos != s.length()) {
                throw bad("unexpected text after the header dict");
            }
            return out;
        }

        private Object value() throws BadHeader {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '[') {
                throw bad("structured dtypes (a list descr) are not supported");
            }
            throw bad("expected a string, True, False or a tuple");
        }

        private String string(char quote) throws BadHeader {
            pos++;
            int start = pos;
            while (pos < s.length() && s.charAt(pos) != quote) {
                if (s.charAt(pos) == '\\') {
                    throw bad("escapes in header strings are not supported");
                }
                pos++;
            }
            if (pos >= s.length()) {
                throw bad("unterminated string");
            }
            return s.substring(start, pos++);
        }

        private long[] tuple() throws BadHeader {
            pos++;
            List<Long> dims = new ArrayList<>();
            skipSpace();
            while (peek() != ')') {
                dims.add(integer());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != ')') {
                    throw bad("expected ',' or ')' in the shape tuple");
                }
                if (dims.size() > 64) {
                    throw bad("shape has more than 64 dimensions");
                }
            }
            pos++;
            long[] out = new long[dims.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = dims.get(i);
            }
            return out;
        }

        private long integer() throws BadHeader {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && pos - start < 18) {
                pos++;
            }
            if (pos == start) {
                throw bad("expected a non-negative integer in the shape tuple");
            }
            long v = Long.parseLong(s.substring(start, pos));
            if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                throw bad("shape dimension is too large");
            }
            if (peek() == 'L') {
                pos++;
            }
            return v;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() throws BadHeader {
            if (pos >= s.length()) {
                throw bad("header ends early");
            }
            return s.charAt(pos);
        }

        private void expect(char c) throws BadHeader {
            if (peek() != c) {
                throw bad("expected '" + c + "'");
            }
            pos++;
        }

        private BadHeader bad(String what) {
            String near = s.substring(Math.min(pos, s.length()), Math.min(s.length(), pos + 20));
            return new BadHeader("bad header dict: " + what + " at character " + pos + " (near \"" + near + "\")");
        }
    }
}
