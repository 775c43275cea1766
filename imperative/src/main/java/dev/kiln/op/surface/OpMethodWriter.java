package dev.kiln.op.surface;

import dev.kiln.op.AttrSpec;
import dev.kiln.op.OpDef;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the typed methods of one op: inputs as {@code T} parameters (a {@code List<T>} for variadic ops), required
 * attributes as typed parameters, and an overload taking the optional attributes (and a node {@code name}) as a map;
 * a few optional attributes almost always given ({@code scalar}) get positional overloads too.
 */
final class OpMethodWriter {
    private OpMethodWriter() {
    }

    static void write(SourceText src, OpDef op, String method) {
        boolean numArgs = SurfaceGenerator.isVariadic(op);
        boolean variadic = numArgs || op.acceptsExtraAttrs(); // Custom: inputs come from the registered prop
        boolean multi = SurfaceGenerator.returnsList(op) || op.acceptsExtraAttrs();
        Set<String> used = new HashSet<>();
        List<String> params = new ArrayList<>();
        List<String> inputArgs = new ArrayList<>();
        if (variadic) {
            params.add("java.util.List<T> inputs");
            used.add("inputs");
        } else {
            for (String in : op.declaredInputs()) {
                String p = unique(SurfaceGenerator.javaName(in), used);
                params.add("T " + p);
                inputArgs.add(p);
            }
        }
        List<String> puts = new ArrayList<>();
        List<String> attrDocs = new ArrayList<>();
        for (AttrSpec<?> s : op.attrSpecs()) {
            if (variadic && s.name().equals("num_args")) {
                continue;
            }
            if (s.required()) {
                String p = unique(SurfaceGenerator.javaName(s.name()), used);
                params.add(javaType(s) + " " + p);
                puts.add("attrs.put(\"" + s.name() + "\", " + p + ");");
                attrDocs.add(" * @param " + p + " " + SourceText.doc(s.doc()) + " ({@code " + s.name() + "})");
            }
        }
        String ret = multi ? "java.util.List<T>" : "T";
        String call = multi ? "apply" : "applyOne";
        String inputs = variadic ? "inputs" : "SurfaceSupport.<T>inputs(" + String.join(", ", inputArgs) + ")";
        String numArgsPut = numArgs ? "attrs.put(\"num_args\", inputs.size());" : null;
        Signature base = new Signature(params, puts, attrDocs);
        String opt = unique("options", used);
        writePair(src, op, method, base, opt, ret, call, inputs, numArgsPut);
        for (AttrSpec<?> s : op.attrSpecs()) {
            if (!s.required() && PROMOTED.contains(s.name())) {
                writePair(src, op, method, base.with(s, unique(SurfaceGenerator.javaName(s.name()), used)), opt, ret,
                        call, inputs, numArgsPut);
            }
        }
    }

    /**
     * Optional attributes that also get a positional overload, because a call without them is rare: the operand of
     * the scalar arithmetic ops ({@code mulScalar(x, 0.5)}).
     */
    private static final Set<String> PROMOTED = Set.of("scalar");

    /** The typed parameters, attribute puts and parameter docs of one overload. */
    private record Signature(List<String> params, List<String> puts, List<String> attrDocs) {
        Signature with(AttrSpec<?> s, String p) {
            List<String> ps = new ArrayList<>(params);
            ps.add(javaType(s) + " " + p);
            List<String> pu = new ArrayList<>(puts);
            pu.add("attrs.put(\"" + s.name() + "\", " + p + ");");
            List<String> docs = new ArrayList<>(attrDocs);
            docs.add(" * @param " + p + " " + SourceText.doc(s.doc()) + " ({@code " + s.name() + "})");
            return new Signature(ps, pu, docs);
        }
    }

    /** The overload without and the overload with an options map, for one signature. */
    private static void writePair(SourceText src, OpDef op, String method, Signature sig, String opt, String ret,
                                  String call, String inputs, String numArgsPut) {
        writeDoc(src, op, sig.attrDocs(), false);
        src.line("    default " + ret + " " + method + "(" + String.join(", ", sig.params()) + ") {");
        body(src, op, sig.puts(), numArgsPut, call, inputs, "java.util.Map.of()");
        src.line("    }").line();
        // every op takes options: at least a node name ("name") and annotations
        List<String> withOptions = new ArrayList<>(sig.params());
        withOptions.add("java.util.Map<String, ?> " + opt);
        writeDoc(src, op, sig.attrDocs(), true);
        src.line("    default " + ret + " " + method + "(" + String.join(", ", withOptions) + ") {");
        body(src, op, sig.puts(), numArgsPut, call, inputs, opt);
        src.line("    }").line();
    }

    private static void body(SourceText src, OpDef op, List<String> puts, String numArgs, String call, String inputs,
                             String options) {
        src.line("        java.util.Map<String, Object> attrs = new java.util.LinkedHashMap<>(" + options + ");");
        for (String p : puts) {
            src.line("        " + p);
        }
        if (numArgs != null) {
            src.line("        " + numArgs);
        }
        src.line("        return " + call + "(\"" + op.name() + "\", attrs, " + inputs + ");");
    }

    private static void writeDoc(SourceText src, OpDef op, List<String> attrDocs, boolean withOptions) {
        src.line("    /**");
        src.line("     * " + SourceText.doc(op.doc()) + " (op {@code " + op.name() + "}"
                + (op.aliases().isEmpty() ? "" : ", also " + SourceText.doc(String.join(", ", op.aliases()))) + ").");
        if (withOptions) {
            StringBuilder opts = new StringBuilder();
            for (AttrSpec<?> s : op.attrSpecs()) {
                if (!s.required() && !s.name().equals("num_args")) {
                    opts.append(opts.length() == 0 ? "" : ", ").append(s.name()).append('=')
                            .append(SourceText.doc(s.format(s.defaultValue())));
                }
            }
            if (opts.length() > 0) {
                src.line("     * Optional attributes by MXNet name, with their defaults: " + opts + ".");
            }
            src.line("     * {@code name} names the node a symbolic call creates (ignored when eager).");
            if (op.acceptsExtraAttrs()) {
                src.line("     * Any other attribute is passed on to the op as a string (a keyword argument).");
            }
        }
        for (String d : attrDocs) {
            src.line("    " + d);
        }
        src.line("     */");
    }

    private static String javaType(AttrSpec<?> s) {
        Class<?> c = s.type().javaType();
        if (c == Integer.class) {
            return "int";
        } else if (c == Double.class) {
            return "double";
        } else if (c == Boolean.class) {
            return "boolean";
        } else if (c == Long.class) {
            return "long";
        }
        return c.getCanonicalName();
    }

    private static String unique(String name, Set<String> used) {
        String n = name;
        while (!used.add(n)) {
            n = n + "Arg";
        }
        return n;
    }
}
