package dev.kiln.autograd;

import dev.kiln.KilnException;

import java.util.Locale;

/** How backward stores a variable's gradient, with MXNet's names: overwrite, accumulate, or none at all. */
public enum GradReq {
    /** {@code write}: each backward overwrites {@code grad()}. */
    WRITE,
    /** {@code add}: each backward adds to {@code grad()}; zero it yourself between steps. */
    ADD,
    /** {@code null}: no gradient is computed or stored. */
    NULL;

    /** The MXNet spelling: {@code write}, {@code add}, {@code null}. */
    public String mxnetName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses MXNet's spelling ({@code "write"}, {@code "add"}, {@code "null"}); {@code inplace} means write. */
    public static GradReq of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "write", "inplace" -> WRITE;
            case "add" -> ADD;
            case "null", "none" -> NULL;
            default -> throw new KilnException("unknown grad_req '" + name + "'; use write, add or null");
        };
    }
}
