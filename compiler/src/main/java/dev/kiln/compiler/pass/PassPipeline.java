package dev.kiln.compiler.pass;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.GraphText;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A named, ordered list of passes. {@link #run} applies them in turn and records each one's node counts and time;
 * the graph can be printed (as {@link GraphText}, every value noted with its inferred shape and dtype) after chosen
 * passes, to a {@code Consumer<String>} ({@link #printAfter}, {@link #printAfterAll}) or, for any pipeline the
 * compiler runs, with the system property {@code kiln.compiler.printAfter=dce,cse} (or {@code all}) through the
 * {@code System.Logger} named after this class, at INFO. Pipelines are immutable.
 */
public final class PassPipeline {
    /** The system property naming the passes to print after, comma separated, or {@code all}. */
    public static final String PRINT_AFTER_PROPERTY = "kiln.compiler.printAfter";

    private static final System.Logger LOG = System.getLogger(PassPipeline.class.getName());
    private static final Map<String, Pass> KNOWN = known(new DeadCodeElimination(),
            new CommonSubexpressionElimination(), new ConstantFolding(), new AlgebraicSimplification(),
            new AlgebraicSimplification("fold-batchnorm", FoldingRules.BATCH_NORM, true),
            new AlgebraicSimplification("fold-scale", FoldingRules.SCALE_BIAS, true));

    private final String name;
    private final List<Pass> passes;
    private final Set<String> printAfter;
    private final Consumer<String> printer;

    private PassPipeline(String name, List<Pass> passes, Set<String> printAfter, Consumer<String> printer) {
        this.name = name;
        this.passes = List.copyOf(passes);
        this.printAfter = Collections.unmodifiableSet(new LinkedHashSet<>(printAfter));
        this.printer = printer;
    }

    private static Map<String, Pass> known(Pass... passes) {
        Map<String, Pass> m = new LinkedHashMap<>();
        for (Pass p : passes) {
            m.put(p.name(), p);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The default order: drop dead code, fold constants, simplify, merge common subexpressions, then drop what
     * simplification and merging left unread. The passes read the mode from the context (Dropout is random only in
     * training, BatchNorm has side effects only in training); inference adds the folding of BatchNorm and of scale and
     * bias chains into the layers before them ({@code fold-batchnorm}, {@code fold-scale}) after {@code simplify}.
     */
    public static PassPipeline standard(boolean training) {
        return training ? of("standard-training", "dce", "fold", "simplify", "cse", "dce")
                : of("standard-inference", "dce", "fold", "simplify", "fold-batchnorm", "fold-scale", "cse", "dce");
    }

    /** A pipeline of the built-in passes with these names ({@link #knownPasses}), in this order. */
    public static PassPipeline of(String name, String... passNames) {
        List<Pass> list = new ArrayList<>();
        for (String n : passNames) {
            list.add(pass(n));
        }
        return new PassPipeline(name, list, Set.of(), null);
    }

    /** A pipeline of these passes, in this order. */
    public static PassPipeline of(String name, List<Pass> passes) {
        return new PassPipeline(name, passes, Set.of(), null);
    }

    /** The built-in pass called {@code name}; an unknown name is an error listing the known ones. */
    public static Pass pass(String name) {
        Pass p = KNOWN.get(name);
        if (p == null) {
            throw new KilnException("unknown compiler pass '" + name + "'; known passes: " + KNOWN.keySet());
        }
        return p;
    }

    /** The names of the built-in passes. */
    public static Set<String> knownPasses() {
        return KNOWN.keySet();
    }

    public String name() {
        return name;
    }

    public List<Pass> passes() {
        return passes;
    }

    /** The names of this pipeline's passes, in order (a pass listed twice appears twice). */
    public List<String> passNames() {
        return passes.stream().map(Pass::name).toList();
    }

    /**
     * This pipeline printing the graph to {@code sink} after every run of each named pass; a name that is not one of
     * this pipeline's passes is an error listing them.
     */
    public PassPipeline printAfter(Consumer<String> sink, String... passNames) {
        List<String> mine = passNames();
        for (String n : passNames) {
            if (!mine.contains(n)) {
                throw new KilnException("pipeline '" + name + "' has no pass '" + n + "' to print after; its passes: "
                        + mine);
            }
        }
        return new PassPipeline(name, passes, new LinkedHashSet<>(Arrays.asList(passNames)), sink);
    }

    /** This pipeline printing the graph to {@code sink} after every pass. */
    public PassPipeline printAfterAll(Consumer<String> sink) {
        return new PassPipeline(name, passes, new LinkedHashSet<>(passNames()), sink);
    }

    /**
     * Applies the passes in order to {@code graph}. Each pass must keep the graph's outputs (count and order) and
     * variables; one that does not fails naming it. A graph whose shapes or dtypes cannot be inferred from the context
     * ({@link PassContext#inferable}) is returned as it is, with no records: it fails when it runs, at the node.
     */
    public Result run(Graph graph, PassContext ctx) {
        Set<String> logged = propertyPasses();
        if (!ctx.inferable(graph)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "pipeline " + name + " skipped: the graph's shapes or dtypes "
                    + "cannot be inferred");
            return new Result(graph, List.of());
        }
        List<PassRecord> records = new ArrayList<>(passes.size());
        Graph g = graph;
        for (Pass p : passes) {
            long t0 = System.nanoTime();
            Graph next = p.apply(g, ctx);
            long nanos = System.nanoTime() - t0;
            checkInterface(p, g, next);
            records.add(new PassRecord(p.name(), g.size(), next.size(), nanos));
            g = next;
            boolean toSink = printer != null && printAfter.contains(p.name());
            boolean toLog = logged.contains(p.name()) && LOG.isLoggable(System.Logger.Level.INFO);
            if (toSink || toLog) {
                String text = "graph after pass '" + p.name() + "' of " + name + " (" + records.getLast().nodesBefore()
                        + " -> " + g.size() + " nodes):\n" + annotated(g, ctx);
                if (toSink) {
                    printer.accept(text);
                }
                if (toLog) {
                    LOG.log(System.Logger.Level.INFO, text);
                }
            }
        }
        return new Result(g, records);
    }

    /** The passes {@code kiln.compiler.printAfter} names; {@code all} is every pass. */
    private Set<String> propertyPasses() {
        String value = System.getProperty(PRINT_AFTER_PROPERTY, "").trim();
        if (value.isEmpty()) {
            return Set.of();
        }
        if (value.equals("all")) {
            return new LinkedHashSet<>(passNames());
        }
        Set<String> names = new LinkedHashSet<>();
        for (String n : value.split(",")) {
            String t = n.trim();
            if (!t.isEmpty() && !KNOWN.containsKey(t) && !passNames().contains(t)) {
                Set<String> all = new TreeSet<>(KNOWN.keySet());
                all.addAll(passNames());
                throw new KilnException(PRINT_AFTER_PROPERTY + "=" + value + ": unknown pass '" + t
                        + "'; known passes: " + all + ", or all");
            }
            names.add(t);
        }
        return names;
    }

    private static void checkInterface(Pass p, Graph before, Graph after) {
        if (after.outputs().size() != before.outputs().size()) {
            throw new IllegalStateException("pass '" + p.name() + "' changed the number of graph outputs from "
                    + before.outputs().size() + " to " + after.outputs().size());
        }
        Set<String> varsBefore = variableNames(before);
        Set<String> varsAfter = variableNames(after);
        if (!varsBefore.equals(varsAfter)) {
            throw new IllegalStateException("pass '" + p.name() + "' changed the graph's variables from "
                    + varsBefore + " to " + varsAfter);
        }
    }

    private static Set<String> variableNames(Graph g) {
        Set<String> names = new TreeSet<>();
        for (int i : g.variableNodes()) {
            names.add(g.node(i).name());
        }
        return names;
    }

    /** The graph as text, each value noted with its inferred shape and dtype ({@code ?} where unknown). */
    static String annotated(Graph g, PassContext ctx) {
        InferenceResult<Shape> shapes = ctx.shapes(g);
        InferenceResult<DType> types = ctx.types(g);
        Function<Entry, String> notes = e -> {
            Shape s = shapes.entry(e);
            DType t = types.entry(e);
            return (s == null ? "?" : s.toString()) + " " + (t == null ? "?" : t.toString());
        };
        return GraphText.format(g, notes);
    }

    @Override
    public String toString() {
        return name + " " + passNames();
    }

    /**
     * A pipeline run: the final graph and one record per pass, in order.
     *
     * @param graph   the graph after the last pass
     * @param records what each pass did
     */
    public record Result(Graph graph, List<PassRecord> records) {
        public Result {
            records = List.copyOf(records);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (PassRecord r : records) {
                sb.append(r).append('\n');
            }
            return sb.toString();
        }
    }
}
