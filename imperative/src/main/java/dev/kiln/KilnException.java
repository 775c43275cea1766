package dev.kiln;

/**
 * The root of every error Kiln raises on purpose: bad shapes, dtypes, attributes, indices or files.
 * Messages name the op, block path, attribute or argument and the shapes involved, so a user can act on them.
 */
public class KilnException extends RuntimeException {
    public KilnException(String message) {
        super(message);
    }

    public KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}
