package dev.kiln.op;

/**
 * One declared attribute of an op: its MXNet name, type, default and a one-line description. An optional attribute
 * (MXNet's {@code dmlc::optional}, default {@code None}) has a null default; a required one has no default at all.
 *
 * @param name MXNet's attribute name, e.g. {@code num_hidden}
 * @param type how values are parsed, coerced and written
 * @param defaultValue the default, or {@code null}
 * @param required true if callers must give a value
 * @param doc what the attribute does, in one line
 * @param <T> the Java type of values
 */
public record AttrSpec<T>(String name, AttrType<T> type, T defaultValue, boolean required, String doc) {

    /** A required attribute. */
    public static <T> AttrSpec<T> required(String name, AttrType<T> type, String doc) {
        return new AttrSpec<>(name, type, null, true, doc);
    }

    /** An attribute with a default. */
    public static <T> AttrSpec<T> of(String name, AttrType<T> type, T defaultValue, String doc) {
        return new AttrSpec<>(name, type, defaultValue, false, doc);
    }

    /** An optional attribute whose default is {@code None}. */
    public static <T> AttrSpec<T> optional(String name, AttrType<T> type, String doc) {
        return new AttrSpec<>(name, type, null, false, doc);
    }

    /** True if the attribute may be {@code None}. */
    public boolean isOptional() {
        return !required && defaultValue == null;
    }

    /** MXNet's string form of a value of this attribute ({@code None} for null). */
    public String format(Object value) {
        return value == null ? "None" : type.format(type.javaType().cast(value));
    }
}
