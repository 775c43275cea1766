package dev.kiln.op.surface;

import dev.kiln.KilnException;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the typed op surface from the op registry at build time: one interface per {@link OpFamily}
 * ({@code ElementwiseF<T>}, {@code NnF<T>}, ...) with a method per op, the union {@code F<T>}, and the eager backend
 * {@code ND}. The methods are generated, never hand-written, so the registry stays the only list of ops.
 *
 * <p>Run as {@code java dev.kiln.op.surface.SurfaceGenerator OUTPUT_DIR}; the imperative module's build does this
 * after compiling the op definitions and compiles the output in a second pass.
 */
public final class SurfaceGenerator {
    static final String PACKAGE = "dev.kiln.op.surface";

    private SurfaceGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SurfaceGenerator OUTPUT_SOURCE_DIR");
        }
        Path dir = Path.of(args[0]).resolve(PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p); // a family that lost all its ops must not leave a stale interface behind
            }
        }
        Map<String, String> files = generate(OpRegistry.global().ops());
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
    }

    /** The generated sources by file name, for the given ops. */
    public static Map<String, String> generate(Iterable<OpDef> ops) {
        Map<OpFamily, List<OpDef>> byFamily = new EnumMap<>(OpFamily.class);
        for (OpDef op : ops) {
            if (!op.name().startsWith("_backward_")) { // gradient-only ops are reached through gradient rules
                byFamily.computeIfAbsent(op.family(), f -> new ArrayList<>()).add(op);
            }
        }
        Map<String, String> files = new HashMap<>();
        Map<String, String> taken = new HashMap<>();
        List<String> families = new ArrayList<>();
        for (Map.Entry<OpFamily, List<OpDef>> e : byFamily.entrySet()) {
            String iface = interfaceName(e.getKey());
            families.add(iface);
            files.put(iface + ".java", familyInterface(e.getKey(), iface, e.getValue(), taken));
        }
        files.put("F.java", union(families));
        files.put("ND.java", eagerBackend());
        return files;
    }

    static String interfaceName(OpFamily family) {
        String n = family.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(n.charAt(0)) + n.substring(1) + "F";
    }

    /**
     * The MXNet name a user would type for this op: the canonical name, unless it is internal ({@code _copy}) or a
     * legacy capitalised name ({@code SliceChannel}) and a plain lower-case alias exists ({@code identity},
     * {@code split}). A {@code _contrib_} prefix is dropped.
     */
    static String surfaceName(OpDef op) {
        String name = op.name();
        if (Character.isLowerCase(name.charAt(0))) {
            return name;
        }
        for (String alias : op.aliases()) {
            if (Character.isLowerCase(alias.charAt(0)) && !alias.equals(name.toLowerCase(Locale.ROOT))) {
                return alias;
            }
        }
        return name.replaceFirst("^_contrib_", "");
    }

    /** {@code FullyConnected} to {@code fullyConnected}, {@code _random_uniform} to {@code randomUniform}. */
    static String javaName(String opName) {
        String n = opName.replaceFirst("^_+", "");
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : n.toCharArray()) {
            if (c == '_') {
                upper = sb.length() > 0;
            } else if (upper) {
                sb.append(Character.toUpperCase(c));
                upper = false;
            } else {
                sb.append(c);
            }
        }
        String s = sb.toString();
        if (s.isEmpty()) {
            throw new IllegalStateException("op name '" + opName + "' gives no Java method name");
        }
        String camel = Character.toLowerCase(s.charAt(0)) + s.substring(1);
        return SourceText.isKeyword(camel) ? camel + "Op" : camel;
    }

    private static String familyInterface(OpFamily family, String iface, List<OpDef> ops, Map<String, String> taken) {
        SourceText src = new SourceText();
        src.line("package " + PACKAGE + ";").line();
        src.line("import dev.kiln.op.OpBackend;").line();
        src.line("/** Generated from the op registry: the " + family.name().toLowerCase(Locale.ROOT)
                + " family. Do not edit. */");
        src.line("public interface " + iface + "<T> extends OpBackend<T> {");
        for (OpDef op : ops) {
            String method = javaName(surfaceName(op));
            String prev = taken.putIfAbsent(method, op.name());
            if (prev != null) {
                throw new IllegalStateException("ops '" + prev + "' and '" + op.name() + "' both map to method "
                        + method + "()");
            }
            OpMethodWriter.write(src, op, method);
        }
        src.line("}");
        return src.toString();
    }

    private static String union(List<String> families) {
        SourceText src = new SourceText();
        src.line("package " + PACKAGE + ";").line();
        src.line("/**");
        src.line(" * Generated from the op registry: every op as a typed method, for any backend ({@code ND} eager,");
        src.line(" * {@code Symbol} when tracing). This is the {@code F} of {@code hybridForward(F, x, ...)}. Do not edit.");
        src.line(" */");
        List<String> parents = new ArrayList<>(List.of("dev.kiln.op.OpBackend<T>"));
        families.forEach(f -> parents.add(f + "<T>"));
        src.line("public interface F<T> extends " + String.join(", ", parents) + " {");
        src.line("}");
        return src.toString();
    }

    private static String eagerBackend() {
        SourceText src = new SourceText();
        src.line("package " + PACKAGE + ";").line();
        src.line("import dev.kiln.ndarray.NDArray;");
        src.line("import dev.kiln.op.OpRegistry;");
        src.line("import dev.kiln.op.Ops;").line();
        src.line("import java.util.List;");
        src.line("import java.util.Map;").line();
        src.line("/**");
        src.line(" * Generated: the eager backend, every op applied to NDArrays at once. Use it like MXNet's {@code nd}");
        src.line(" * namespace: {@code import static dev.kiln.op.surface.ND.nd; nd.relu(x)}. Do not edit.");
        src.line(" */");
        src.line("public final class ND implements F<NDArray> {");
        src.line("    /** The eager backend. */");
        src.line("    public static final ND nd = new ND();").line();
        src.line("    private ND() {");
        src.line("    }").line();
        src.line("    @Override");
        src.line("    public List<NDArray> apply(String op, Map<String, ?> attrs, List<NDArray> inputs) {");
        src.line("        var def = OpRegistry.global().get(op);");
        src.line("        return Ops.invoke(def, def.attrs(attrs), inputs);");
        src.line("    }");
        src.line("}");
        return src.toString();
    }

    /**
     * True if the op's typed method returns a list: it overrides {@code numOutputs}, unless it keeps hidden outputs
     * and shows one both at its defaults and with every boolean attribute on (Dropout's mask stays hidden, while
     * BatchNorm's {@code output_mean_var} shows three).
     */
    static boolean returnsList(OpDef op) {
        if (!overrides(op, "numVisibleOutputs")) {
            return overrides(op, "numOutputs");
        }
        Map<String, Object> on = new HashMap<>();
        for (AttrSpec<?> s : op.attrSpecs()) {
            if (s.type() == AttrType.BOOL) {
                on.put(s.name(), true);
            }
        }
        try {
            return op.numVisibleOutputs(op.defaultAttrs()) > 1 || op.numVisibleOutputs(op.attrs(on)) > 1;
        } catch (KilnException e) {
            return true;
        }
    }

    /** True if the op's class overrides {@code method(Attrs)} from {@link OpDef}. */
    static boolean overrides(OpDef op, String method) {
        try {
            return op.getClass().getMethod(method, Attrs.class).getDeclaringClass() != OpDef.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** True if the op takes a variable number of inputs sized by a {@code num_args} attribute. */
    static boolean isVariadic(OpDef op) {
        for (AttrSpec<?> s : op.attrSpecs()) {
            if (s.name().equals("num_args")) {
                return true;
            }
        }
        return false;
    }
}
