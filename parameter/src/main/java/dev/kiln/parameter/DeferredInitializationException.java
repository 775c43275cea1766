package dev.kiln.parameter;

import dev.kiln.KilnException;

/**
 * A parameter was read while its initialisation is still deferred, or the shapes that would complete it could not
 * be inferred. The message names the parameter, its partial shape and why; an inference failure is the cause.
 */
public class DeferredInitializationException extends KilnException {
    public DeferredInitializationException(String message) {
        super(message);
    }

    public DeferredInitializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
