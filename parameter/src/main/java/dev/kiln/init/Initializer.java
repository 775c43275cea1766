package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Generator;
import dev.kiln.random.Random;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Fills parameter arrays with their starting values, like MXNet 1.x's {@code mx.init.Initializer}. A subclass
 * decides how weights are filled ({@link #initWeight}); {@link #initialize} decides which rule a parameter gets:
 * its own initialiser first, then its {@code "__init__"} attribute, else its role, read from the end of its name.
 * Random initialisers draw from Kiln's global generator ({@link Random#seed}) unless given one with
 * {@link #withGenerator}. Initialisers are described by {@link #dumps()} and rebuilt by {@link #create(String)}.
 */
public abstract class Initializer {
    private final Map<String, Object> kwargs;
    private volatile Generator generator;

    /** An initialiser with no constructor arguments to report in {@link #dumps()}. */
    protected Initializer() {
        this(Map.of());
    }

    /** An initialiser whose {@link #dumps()} lists {@code kwargs} in their iteration order. */
    protected Initializer(Map<String, ?> kwargs) {
        this.kwargs = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(kwargs));
    }

    /**
     * Keyword arguments in the order given, for {@link #Initializer(Map)}: numbers keep Python's int/float
     * distinction ({@code 3} stays an int, a {@code float} becomes the double with the same shortest digits).
     */
    protected static Map<String, Object> kwargs(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("kwargs needs key/value pairs, got " + keysAndValues.length + " items");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], PythonJson.normalize(keysAndValues[i + 1]));
        }
        return out;
    }

    /** The registered name {@link #dumps()} writes: the class name in lower case, as MXNet does. */
    public String name() {
        return getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** The constructor arguments {@link #dumps()} writes, in order (read-only). */
    public Map<String, Object> kwargs() {
        return kwargs;
    }

    /**
     * This initialiser as MXNet's {@code dumps()} writes it: Python {@code json.dumps} of {@code [name, kwargs]},
     * e.g. {@code ["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]}.
     */
    public String dumps() {
        return PythonJson.dumps(List.of(name(), kwargs));
    }

    /** Makes this initialiser draw from {@code generator} instead of Kiln's global one; returns this. */
    public Initializer withGenerator(Generator generator) {
        this.generator = Objects.requireNonNull(generator, "generator");
        return this;
    }

    /** The generator random draws come from: the one given to {@link #withGenerator}, else the global one. */
    protected final Generator generator() {
        Generator g = generator;
        return g != null ? g : Random.global();
    }

    /**
     * Fills {@code target} in place, without autograd recording. The parameter's own initialiser
     * ({@link InitDesc#explicit()}) or else its {@code "__init__"} attribute fills it as a weight; otherwise the
     * name's suffix decides: {@code weight} uses {@link #initWeight}, {@code bias}, {@code beta} and {@code min}
     * become 0, {@code gamma} and {@code max} become 1, as in MXNet. As a Kiln extension, {@code running_mean} and
     * {@code moving_mean} become 0 and {@code running_var} and {@code moving_var} become 1, so batch-norm statistics
     * need no initialiser of their own. Any other name is filled by {@link #initWeight}, as Gluon fills every
     * parameter without an initialiser of its own (MXNet's symbolic Module would refuse it).
     */
    public final void initialize(InitDesc desc, NDArray target) {
        Objects.requireNonNull(desc, "desc");
        Objects.requireNonNull(target, "target");
        try (Autograd.Scope ignored = Autograd.pause()) {
            Initializer own = desc.explicit() != null ? desc.explicit()
                    : desc.initAttr() != null ? create(desc.initAttr()) : null;
            if (own != null) {
                own.initWeight(desc, target);
            } else {
                initByRole(desc, target);
            }
        }
    }

    /** Fills a parameter that has no initialiser of its own, by the role its name's suffix gives it. */
    protected void initByRole(InitDesc desc, NDArray target) {
        String n = desc.name();
        if (n.endsWith("weight")) {
            initWeight(desc, target);
        } else if (n.endsWith("bias")) {
            initBias(desc, target);
        } else if (n.endsWith("gamma")) {
            initGamma(desc, target);
        } else if (n.endsWith("beta")) {
            initBeta(desc, target);
        } else if (n.endsWith("min") || n.endsWith("running_mean") || n.endsWith("moving_mean")) {
            target.fill(0);
        } else if (n.endsWith("max") || n.endsWith("running_var") || n.endsWith("moving_var")) {
            target.fill(1);
        } else {
            initWeight(desc, target);
        }
    }

    /** Fills a weight (or any parameter this initialiser is explicitly given to); the rule of each initialiser. */
    protected abstract void initWeight(InitDesc desc, NDArray target);

    /** Fills a parameter whose name ends in {@code bias}: zeros, as in MXNet. */
    protected void initBias(InitDesc desc, NDArray target) {
        target.fill(0);
    }

    /** Fills a parameter whose name ends in {@code gamma}: ones, as in MXNet. */
    protected void initGamma(InitDesc desc, NDArray target) {
        target.fill(1);
    }

    /** Fills a parameter whose name ends in {@code beta}: zeros, as in MXNet. */
    protected void initBeta(InitDesc desc, NDArray target) {
        target.fill(0);
    }

    /**
     * The initialiser a string names, like MXNet's {@code mx.init.create}: a registered name in any case
     * ({@code "zeros"}, {@code "Xavier"}), a {@link #dumps()} string {@code ["name", {kwargs}]}, or an object
     * {@code {"initializer": "name", kwargs...}}.
     */
    public static Initializer create(String nameOrJson) {
        return InitRegistry.create(nameOrJson);
    }

    /** The initialiser registered as {@code name}, built from keyword arguments as its JSON form would give them. */
    public static Initializer create(String name, Map<String, Object> kwargs) {
        return InitRegistry.create(name, kwargs);
    }

    /**
     * Registers a user initialiser under {@code name} (case-insensitive), so {@link #create} and {@code "__init__"}
     * attributes can name it; the factory receives the keyword arguments of the JSON form. A name registered again
     * replaces the earlier factory, as in MXNet.
     */
    public static void register(String name, Function<Map<String, Object>, Initializer> factory) {
        InitRegistry.register(name, factory);
    }

    /** The registered names, sorted. */
    public static Set<String> registeredNames() {
        return InitRegistry.names();
    }

    /** The {@link #dumps()} form, or the name alone for an initialiser that has no JSON form. */
    @Override
    public String toString() {
        try {
            return dumps();
        } catch (KilnException e) {
            return name();
        }
    }
}
