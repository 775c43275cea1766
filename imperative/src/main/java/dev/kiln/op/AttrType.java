package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;

import java.util.List;
import java.util.Locale;

/**
 * The type of an op attribute: how a Java value is accepted, how MXNet's string form is parsed, and how a value is
 * written back in that string form ({@code "(3, 3)"}, {@code "True"}, {@code "1e-05"}). Ops may define their own.
 *
 * @param <T> the Java type of the attribute's value
 */
public interface AttrType<T> {
    /** A short name for documentation and generated signatures ({@code int}, {@code float}, {@code tuple}). */
    String name();

    /** The Java class values have, used by the generated typed surface. */
    Class<T> javaType();

    /** Parses MXNet's string form. */
    T parse(String text);

    /** Writes MXNet's string form. */
    String format(T value);

    /** Accepts a Java value (a {@code T}, a string, or a convenient equivalent such as {@code int[]}). */
    default T coerce(Object value) {
        if (value instanceof String s) {
            return parse(s);
        }
        if (javaType().isInstance(value)) {
            return javaType().cast(value);
        }
        throw new KilnException("expected " + name() + ", got " + value + " (" + value.getClass().getSimpleName() + ")");
    }

    AttrType<Integer> INT = new Simple<>("int", Integer.class) {
        @Override
        public Integer parse(String text) {
            String t = text.trim();
            try {
                return Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw new KilnException("cannot parse '" + text + "' as an int");
            }
        }

        @Override
        public Integer coerce(Object value) {
            if (value instanceof Long l) {
                return Math.toIntExact(l);
            }
            if (value instanceof Short || value instanceof Byte) {
                return ((Number) value).intValue();
            }
            return super.coerce(value);
        }
    };

    AttrType<Long> LONG = new Simple<>("long", Long.class) {
        @Override
        public Long parse(String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new KilnException("cannot parse '" + text + "' as an integer");
            }
        }

        @Override
        public Long coerce(Object value) {
            if (value instanceof Integer i) {
                return i.longValue();
            }
            return super.coerce(value);
        }
    };

    AttrType<Double> FLOAT = new Simple<>("float", Double.class) {
        @Override
        public Double parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            switch (t) {
                case "inf", "+inf", "infinity" -> { return Double.POSITIVE_INFINITY; }
                case "-inf", "-infinity" -> { return Double.NEGATIVE_INFINITY; }
                case "nan" -> { return Double.NaN; }
                default -> {
                    try {
                        return Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        throw new KilnException("cannot parse '" + text + "' as a float");
                    }
                }
            }
        }

        @Override
        public String format(Double value) {
            return PythonFormat.formatFloat(value);
        }

        @Override
        public Double coerce(Object value) {
            if (value instanceof Number n && !(value instanceof Double)) {
                return n.doubleValue();
            }
            return super.coerce(value);
        }
    };

    AttrType<Boolean> BOOL = new Simple<>("bool", Boolean.class) {
        @Override
        public Boolean parse(String text) {
            // dmlc's bool fields ignore case: True, true, TRUE, 1 / False, false, 0
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw new KilnException("cannot parse '" + text + "' as a bool (True/False)");
            };
        }

        @Override
        public String format(Boolean value) {
            return PythonFormat.formatBool(value);
        }
    };

    AttrType<String> STRING = new Simple<>("string", String.class) {
        @Override
        public String parse(String text) {
            return text;
        }
    };

    AttrType<IntTuple> TUPLE = new Simple<>("tuple", IntTuple.class) {
        @Override
        public IntTuple parse(String text) {
            return IntTuple.parse(text);
        }

        @Override
        public IntTuple coerce(Object value) {
            if (value instanceof int[] a) {
                return IntTuple.of(a);
            }
            if (value instanceof Integer i) {
                return IntTuple.of(i);
            }
            if (value instanceof dev.kiln.ndarray.Shape s) {
                return IntTuple.of(s.dims());
            }
            return super.coerce(value);
        }
    };

    AttrType<DType> DTYPE = new Simple<>("dtype", DType.class) {
        @Override
        public DType parse(String text) {
            return DType.fromName(text);
        }

        @Override
        public String format(DType value) {
            return value.mxnetName();
        }
    };

    /** A string restricted to a fixed set of choices, e.g. {@code act_type} in {relu, sigmoid, tanh, ...}. */
    static AttrType<String> oneOf(String... choices) {
        List<String> allowed = List.of(choices);
        return new Simple<>("{" + String.join(", ", choices) + "}", String.class) {
            @Override
            public String parse(String text) {
                String t = text.trim();
                if (!allowed.contains(t)) {
                    throw new KilnException("'" + text + "' is not one of " + allowed);
                }
                return t;
            }
        };
    }

    /** Base for types whose format is {@code toString()} unless overridden. */
    abstract class Simple<T> implements AttrType<T> {
        private final String name;
        private final Class<T> type;

        protected Simple(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Class<T> javaType() {
            return type;
        }

        @Override
        public String format(T value) {
            return String.valueOf(value);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
