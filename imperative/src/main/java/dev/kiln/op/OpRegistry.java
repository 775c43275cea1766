package dev.kiln.op;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * All known ops by name and alias. Kiln's own families are listed once in {@link #BUILTIN_LIBRARIES}; libraries on the
 * class path are found with {@link ServiceLoader}; users may also {@link #register} single ops at run time.
 */
public final class OpRegistry {
    /** Kiln's op families, in the order their ops are registered. */
    private static final List<String> BUILTIN_LIBRARIES = List.of(
            "dev.kiln.op.elementwise.UnaryOps",
            "dev.kiln.op.elementwise.BinaryOps",
            "dev.kiln.op.reduce.ReduceOps",
            "dev.kiln.op.linalg.LinalgOps",
            "dev.kiln.op.shape.ShapeOps",
            "dev.kiln.op.indexing.IndexingOps",
            "dev.kiln.op.nn.NNOps",
            "dev.kiln.op.conv.ConvOps",
            "dev.kiln.op.rnn.RnnOps",
            "dev.kiln.op.image.ImageOps",
            "dev.kiln.op.creation.CreationOps",
            "dev.kiln.random.RandomOps",
            "dev.kiln.op.optimizer.OptimizerOps",
            "dev.kiln.op.custom.CustomOpLibrary");

    private static final class Holder {
        static final OpRegistry INSTANCE = loadDefault();
    }

    private final Map<String, OpDef> byName = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, OpDef> canonical = new LinkedHashMap<>();

    private OpRegistry() {
    }

    /** The process-wide registry with every built-in and discovered op. */
    public static OpRegistry global() {
        return Holder.INSTANCE;
    }

    private static OpRegistry loadDefault() {
        OpRegistry r = new OpRegistry();
        for (String cls : BUILTIN_LIBRARIES) {
            OpLibrary lib;
            try {
                lib = (OpLibrary) Class.forName(cls).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("built-in op library " + cls + " cannot be loaded", e);
            }
            lib.ops().forEach(r::register);
        }
        for (OpLibrary lib : ServiceLoader.load(OpLibrary.class)) {
            lib.ops().forEach(r::register);
        }
        return r;
    }

    /** Adds an op under its name and aliases; a name already taken by another op is an error. */
    public synchronized void register(OpDef op) {
        List<String> names = new ArrayList<>();
        names.add(op.name());
        names.addAll(op.aliases());
        for (String n : names) {
            OpDef prev = byName.get(n);
            if (prev != null && prev != op) {
                throw new KilnException("op name '" + n + "' is already registered by " + prev.name()
                        + " (" + prev.getClass().getName() + ")");
            }
        }
        for (String n : names) {
            byName.put(n, op);
        }
        canonical.put(op.name(), op);
    }

    /** The op registered under {@code name} (MXNet name or alias); lock-free, safe from any thread. */
    public OpDef get(String name) {
        OpDef op = byName.get(name);
        if (op == null) {
            throw new KilnException("unknown op '" + name + "'" + suggestion(name));
        }
        return op;
    }

    /** True if {@code name} is a registered name or alias. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Every op once, by canonical name. */
    public synchronized Collection<OpDef> ops() {
        return List.copyOf(new TreeMap<>(canonical).values());
    }

    private String suggestion(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        List<String> close = byName.keySet().stream()
                .filter(n -> n.toLowerCase(java.util.Locale.ROOT).contains(lower)
                        || lower.contains(n.toLowerCase(java.util.Locale.ROOT)))
                .limit(5).toList();
        return close.isEmpty() ? "" : "; did you mean " + close + "?";
    }
}
