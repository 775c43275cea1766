package dev.kiln.init;

import dev.kiln.KilnException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The names {@link Initializer#create} understands, as in MXNet's initializer registry: each built-in under its
 * lower-case class name, {@code zeros}/{@code ones} as aliases, and whatever users register.
 */
final class InitRegistry {
    private static final Map<String, Function<Map<String, Object>, Initializer>> FACTORIES = new ConcurrentHashMap<>();

    static {
        builtIn(a -> new Zero(), "zero", "zeros");
        builtIn(a -> new One(), "one", "ones");
        builtIn(a -> Constant.fromJson(a.raw("value")), "constant");
        builtIn(a -> new Uniform(a.number("scale", Uniform.DEFAULT_SCALE)), "uniform");
        builtIn(a -> new Normal(a.number("sigma", Normal.DEFAULT_SIGMA)), "normal");
        builtIn(a -> new TruncatedNormal(a.number("mean", TruncatedNormal.DEFAULT_MEAN),
                a.number("stdev", TruncatedNormal.DEFAULT_STDEV)), TruncatedNormal.NAME);
        builtIn(a -> new Xavier(a.string("rnd_type", Xavier.UNIFORM), a.string("factor_type", Xavier.AVG),
                a.number("magnitude", Xavier.DEFAULT_MAGNITUDE)), "xavier");
        builtIn(a -> new MSRAPrelu(a.string("factor_type", Xavier.AVG),
                a.number("slope", MSRAPrelu.DEFAULT_SLOPE)), "msraprelu");
        builtIn(a -> new Orthogonal(a.number("scale", Orthogonal.DEFAULT_SCALE),
                a.string("rand_type", Orthogonal.UNIFORM)), "orthogonal");
        builtIn(a -> new Bilinear(), "bilinear");
        builtIn(a -> new LSTMBias(a.number("forget_bias", LSTMBias.DEFAULT_FORGET_BIAS)), "lstmbias");
    }

    private InitRegistry() {
    }

    private static void builtIn(Function<InitArgs, Initializer> reader, String... names) {
        for (String name : names) {
            FACTORIES.put(name, kwargs -> {
                InitArgs args = new InitArgs(name, kwargs);
                return args.build(reader.apply(args));
            });
        }
    }

    static void register(String name, Function<Map<String, Object>, Initializer> factory) {
        Objects.requireNonNull(factory, "factory");
        if (name == null || name.isBlank()) {
            throw new KilnException("an initializer needs a non-blank name to be registered, got '" + name + "'");
        }
        FACTORIES.put(name.toLowerCase(Locale.ROOT), factory);
    }

    static Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(FACTORIES.keySet()));
    }

    static Initializer create(String nameOrJson) {
        Objects.requireNonNull(nameOrJson, "initializer name");
        if (nameOrJson.startsWith("[")) {
            if (PythonJson.parse(nameOrJson) instanceof List<?> list && list.size() == 2
                    && list.get(0) instanceof String name && list.get(1) instanceof Map<?, ?> kwargs) {
                return create(name, stringKeys(kwargs));
            }
            throw new KilnException("initializer JSON must be [\"name\", {arguments}], got " + nameOrJson);
        }
        if (nameOrJson.startsWith("{")) {
            if (PythonJson.parse(nameOrJson) instanceof Map<?, ?> map
                    && map.get("initializer") instanceof String name) {
                Map<String, Object> kwargs = stringKeys(map);
                kwargs.remove("initializer");
                return create(name, kwargs);
            }
            throw new KilnException("initializer JSON object needs a string \"initializer\" entry, got " + nameOrJson);
        }
        return create(nameOrJson, Map.of());
    }

    static Initializer create(String name, Map<String, Object> kwargs) {
        Function<Map<String, Object>, Initializer> factory = FACTORIES.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new KilnException("initializer '" + name + "' is not registered; known: " + names()
                    + " (register others with Initializer.register)");
        }
        Initializer made = factory.apply(Collections.unmodifiableMap(kwargs));
        if (made == null) {
            throw new KilnException("the factory registered as '" + name + "' returned null");
        }
        return made;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, v));
        return out;
    }
}
