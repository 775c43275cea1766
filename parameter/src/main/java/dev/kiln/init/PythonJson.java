package dev.kiln.init;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.kiln.KilnException;
import dev.kiln.op.PythonFormat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that initialiser descriptions travel in, byte for byte as Python's {@code json.dumps} writes it (default
 * settings: {@code ", "} and {@code ": "} separators, ASCII-only strings, {@code NaN}/{@code Infinity}, ints without a
 * point, floats as {@code repr}), and read back with Python's int/float distinction kept.
 */
final class PythonJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private PythonJson() {
    }

    /**
     * A keyword value as Python would hold it: whole-number types become {@code Integer}/{@code Long} (Python int),
     * {@code float} becomes the double with the same shortest digits, other numbers become {@code Double}.
     */
    static Object normalize(Object v) {
        return switch (v) {
            case Byte b -> (int) b;
            case Short s -> (int) s;
            case Integer i -> i;
            case Long l -> l;
            case BigInteger b -> b;
            case Float f -> Double.valueOf(Float.toString(f));
            case BigDecimal d -> d.doubleValue();
            case Number n -> n.doubleValue();
            default -> v;
        };
    }

    /** Python's {@code json.dumps(value)} for null, booleans, numbers, strings, lists and string-keyed maps. */
    static String dumps(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b ? "true" : "false");
            case Double d -> sb.append(floatText(d));
            case Float f -> sb.append(floatText(f));
            case Number n -> sb.append(normalize(n) instanceof Double d ? floatText(d) : n.toString());
            case String s -> writeString(sb, s);
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i == 0 ? "" : ", ");
                    write(sb, list.get(i));
                }
                sb.append(']');
            }
            case Map<?, ?> map -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append(first ? "" : ", ");
                    first = false;
                    writeString(sb, String.valueOf(e.getKey()));
                    sb.append(": ");
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            default -> throw new KilnException("cannot write a " + v.getClass().getSimpleName()
                    + " as JSON: initializer arguments must be numbers, strings, booleans, lists or maps");
        }
    }

    private static String floatText(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return PythonFormat.formatFloat(d);
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Parses one JSON value: objects as ordered maps, ints as Integer/Long/BigInteger, other numbers as Double. */
    static Object parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new KilnException("empty JSON text");
            }
            Object value = read(p);
            if (p.nextToken() != null) {
                throw new KilnException("unexpected text after the JSON value at " + p.currentLocation().getColumnNr());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new KilnException("malformed JSON " + json + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new KilnException("cannot read JSON " + json + ": " + e.getMessage(), e);
        }
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                yield list;
            }
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, read(p));
                }
                yield map;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> null;
            default -> throw new KilnException("unexpected JSON token " + t);
        };
    }
}
