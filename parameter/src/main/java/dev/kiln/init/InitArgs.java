package dev.kiln.init;

import dev.kiln.KilnException;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The keyword arguments one registered initialiser is being built from, read with defaults and type checks; like a
 * Python constructor call, an argument the initialiser does not take is an error that lists the ones it does.
 */
final class InitArgs {
    private final String initializer;
    private final Map<String, Object> given;
    private final Set<String> known = new LinkedHashSet<>();

    InitArgs(String initializer, Map<String, Object> given) {
        this.initializer = initializer;
        this.given = given;
    }

    /** A numeric argument, or {@code fallback} when absent (null means required). */
    Number number(String key, Number fallback) {
        Object v = value(key, fallback);
        if (!(v instanceof Number n)) {
            throw new KilnException("initializer '" + initializer + "': argument '" + key + "' must be a number, got "
                    + PythonJson.dumps(v));
        }
        return n;
    }

    /** An argument of any JSON type (required). */
    Object raw(String key) {
        return value(key, null);
    }

    /** A string argument, or {@code fallback} when absent. */
    String string(String key, String fallback) {
        Object v = value(key, fallback);
        if (!(v instanceof String s)) {
            throw new KilnException("initializer '" + initializer + "': argument '" + key + "' must be a string, got "
                    + PythonJson.dumps(v));
        }
        return s;
    }

    /** Fails if an argument was given that none of the readers above asked for. */
    Initializer build(Initializer made) {
        for (String key : given.keySet()) {
            if (!known.contains(key)) {
                throw new KilnException("initializer '" + this.initializer + "' got an unexpected argument '" + key
                        + "'" + (known.isEmpty() ? "; it takes none" : "; it takes " + String.join(", ", known)));
            }
        }
        return made;
    }

    private Object value(String key, Object fallback) {
        known.add(key);
        if (given.containsKey(key)) {
            return given.get(key);
        }
        if (fallback == null) {
            throw new KilnException("initializer '" + initializer + "' needs the argument '" + key + "'");
        }
        return fallback;
    }
}
