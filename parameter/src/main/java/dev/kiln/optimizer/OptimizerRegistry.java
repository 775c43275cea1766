package dev.kiln.optimizer;

import dev.kiln.KilnException;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The optimizers {@link Optimizer#create} knows, by lower-case name: Kiln's (MXNet 1.x's names) and those users
 * {@link Optimizer#register}.
 */
final class OptimizerRegistry {
    private static final Map<String, Function<OptimizerOptions, ? extends Optimizer>> FACTORIES =
            new ConcurrentHashMap<>(Map.ofEntries(
                    Map.entry("sgd", SGD::new),
                    Map.entry("nag", NAG::new),
                    Map.entry("adam", Adam::new),
                    Map.entry("adamw", AdamW::new),
                    Map.entry("adamax", Adamax::new),
                    Map.entry("nadam", Nadam::new),
                    Map.entry("rmsprop", RMSProp::new),
                    Map.entry("adagrad", AdaGrad::new),
                    Map.entry("adadelta", AdaDelta::new),
                    Map.entry("signum", Signum::new),
                    Map.entry("lamb", LAMB::new),
                    Map.entry("ftrl", Ftrl::new)));

    private OptimizerRegistry() {
    }

    static Optimizer create(String name, OptimizerOptions options) {
        Function<OptimizerOptions, ? extends Optimizer> factory = FACTORIES.get(key(name));
        if (factory == null) {
            throw new KilnException("unknown optimizer '" + name + "'; the registered ones are " + names());
        }
        Optimizer optimizer = factory.apply(options);
        options.requireAllRead(optimizer.name());
        return optimizer;
    }

    static void register(String name, Function<OptimizerOptions, ? extends Optimizer> factory) {
        if (FACTORIES.putIfAbsent(key(name), factory) != null) {
            throw new KilnException("an optimizer called '" + key(name) + "' is already registered");
        }
    }

    static Set<String> names() {
        return new TreeSet<>(FACTORIES.keySet());
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
