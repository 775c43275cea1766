package dev.kiln.trainer;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The text header of a trainer-state file: UTF-8 lines {@code key=value} (the value is everything after the first
 * {@code =}), stored as a 1-d uint8 array. Reading is strict: a repeated or unread key, a malformed number or an
 * oversized header is an error naming the file and the key.
 */
final class StateHeader {
    /** The largest header accepted when reading, so a hostile length cannot make us decode gigabytes. */
    static final int MAX_BYTES = 16 << 20;

    private final String source;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> read = new TreeSet<>();

    private StateHeader(String source) {
        this.source = source;
    }

    /** An empty header for writing. */
    static StateHeader forWriting() {
        return new StateHeader("state header");
    }

    /** Adds a line; keys and values must not hold line breaks. */
    StateHeader put(String key, Object value) {
        String v = String.valueOf(value);
        if (key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0 || key.indexOf('=') >= 0 || v.indexOf('\n') >= 0
                || v.indexOf('\r') >= 0) {
            throw new KilnException("cannot save trainer states: '" + key + "' = '" + v + "' holds a line break "
                    + "or '=' where the state file cannot store one");
        }
        if (values.put(key, v) != null) {
            throw new KilnException("cannot save trainer states: header key '" + key + "' written twice");
        }
        return this;
    }

    /** The header as the uint8 array stored in the file. */
    NDArray toArray() {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        double[] asNumbers = new double[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            asNumbers[i] = bytes[i] & 0xff;
        }
        return NDArray.of(Shape.of(bytes.length), DType.UINT8, asNumbers);
    }

    /** Parses the header array read from {@code source}. */
    static StateHeader parse(NDArray array, String source) {
        if (array.dtype() != DType.UINT8 || array.rank() != 1) {
            throw new FileFormatException(source + ": the trainer-state header must be a 1-d uint8 array, got "
                    + array.dtype().mxnetName() + " of shape " + array.shape());
        }
        if (array.size() > MAX_BYTES) {
            throw new FileFormatException(source + ": the trainer-state header is " + array.size() + " bytes, more "
                    + "than the " + MAX_BYTES + " accepted");
        }
        byte[] bytes = new byte[array.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) array.getDouble(i);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(source + ": the trainer-state header is not valid UTF-8", e);
        }
        StateHeader h = new StateHeader(source);
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new FileFormatException(source + ": trainer-state header line " + lineNo + " is not key=value: '"
                        + abbreviate(line) + "'");
            }
            if (h.values.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw new FileFormatException(source + ": trainer-state header key '"
                        + abbreviate(line.substring(0, eq)) + "' appears twice");
            }
        }
        return h;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value of a required key. */
    String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new FileFormatException(source + ": the trainer-state header has no '" + key + "'");
        }
        read.add(key);
        return v;
    }

    /** A required whole number between {@code min} and {@code max}. */
    long integer(String key, long min, long max) {
        String v = string(key);
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new FileFormatException(source + ": trainer-state header '" + key + "' must be a whole number, got '"
                    + abbreviate(v) + "'");
        }
        if (n < min || n > max) {
            throw new FileFormatException(source + ": trainer-state header '" + key + "' = " + n + " is outside [" + min
                    + ", " + max + "]");
        }
        return n;
    }

    /** A required number (Java's {@code Double.toString} form, which round-trips exactly). */
    double number(String key) {
        String v = string(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new FileFormatException(source + ": trainer-state header '" + key + "' must be a number, got '"
                    + abbreviate(v) + "'");
        }
    }

    /** The keys starting with {@code prefix}, in file order. */
    Set<String> keysStartingWith(String prefix) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String k : values.keySet()) {
            if (k.startsWith(prefix)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Rejects keys nothing read, so a file from a newer or damaged writer is not half understood. */
    void requireAllRead() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new FileFormatException(source + ": the trainer-state header has unknown key(s) "
                    + abbreviate(unknown.toString()));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
