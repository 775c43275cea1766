package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Chooses an initialiser per parameter by name: the first pattern that matches at the start of the name (Python's
 * {@code re.match}; the rest of the name may follow) picks the initialiser, which then initialises the parameter as
 * it would on its own (its role by suffix included). A name that no pattern matches is an error, so a final
 * {@code ".*"} pattern is the usual default. Each chosen initialiser draws from its own generator setting. Has no
 * JSON form, as in MXNet, where it is not an Initializer.
 */
public final class Mixed extends Initializer {
    private final List<Pattern> patterns;
    private final List<Initializer> initializers;

    /** Patterns (Java regular expressions) and the initialisers they pick, in the same order. */
    public Mixed(List<String> patterns, List<Initializer> initializers) {
        if (patterns.size() != initializers.size()) {
            throw new KilnException("mixed initializer needs one initializer per pattern, got " + patterns.size()
                    + " patterns and " + initializers.size() + " initializers");
        }
        List<Pattern> compiled = new ArrayList<>();
        for (String p : patterns) {
            try {
                compiled.add(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                throw new KilnException("mixed initializer: bad pattern '" + p + "': " + e.getDescription(), e);
            }
        }
        for (Initializer init : initializers) {
            Objects.requireNonNull(init, "initializer");
        }
        this.patterns = List.copyOf(compiled);
        this.initializers = List.copyOf(initializers);
    }

    @Override
    protected void initByRole(InitDesc desc, NDArray target) {
        choose(desc).initialize(desc, target);
    }

    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        choose(desc).initWeight(desc, target);
    }

    private Initializer choose(InitDesc desc) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matcher(desc.name()).lookingAt()) {
                return initializers.get(i);
            }
        }
        throw new KilnException("parameter '" + desc.name() + "' matches none of the mixed initializer's patterns "
                + patterns + "; add \".*\" as the last pattern for a default initializer");
    }

    /** Fails: a mixed initialiser has no JSON form (MXNet's {@code Mixed} has no {@code dumps}). */
    @Override
    public String dumps() {
        throw new KilnException("mixed initializer " + patterns + " cannot be written by dumps(): it has no JSON form;"
                + " give each parameter its own initializer instead");
    }
}
