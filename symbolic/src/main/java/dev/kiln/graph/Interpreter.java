package dev.kiln.graph;

import dev.kiln.KilnException;
import dev.kiln.anomaly.Anomaly;
import dev.kiln.anomaly.AnomalyContext;
import dev.kiln.anomaly.NumericAnomalyException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.OpContext;
import dev.kiln.op.Ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph node by node on NDArrays with each op's reference kernel: the plain, obviously correct execution that
 * every optimised path (passes, compiled code) is tested against. Hidden outputs are kept so a backward graph can read
 * them; values nothing reads any more are released as the run goes. Under {@code Autograd.record()} the ops are
 * recorded like eager calls. A failing op node raises a {@link NodeExecutionException} naming it; in anomaly mode
 * each node's name is entered in {@link AnomalyContext} so a non-finite value is reported with it.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /** The graph's outputs for the given variables, in the current training mode. */
    public static List<NDArray> eval(Graph graph, Map<String, NDArray> variables) {
        return eval(graph, variables, OpContext.isTraining());
    }

    /** The graph's outputs for the given variables, in training mode if {@code training}. */
    public static List<NDArray> eval(Graph graph, Map<String, NDArray> variables, boolean training) {
        NDArray[][] values = run(graph, variables, training, true);
        List<NDArray> out = new ArrayList<>(graph.outputs().size());
        for (Entry e : graph.outputs()) {
            out.add(values[e.node()][e.output()]);
        }
        return out;
    }

    /**
     * Every output of every node ({@code [node][output]}), hidden outputs included; with {@code release}, values no
     * later node or graph output reads are dropped ({@code null}) as soon as they are used.
     */
    public static NDArray[][] run(Graph graph, Map<String, NDArray> variables, boolean training, boolean release) {
        NDArray[][] values = new NDArray[graph.size()][];
        runNodes(graph, values, variables, training, 0, graph.size(), release);
        return values;
    }

    /**
     * Runs nodes {@code from} (inclusive) to {@code to} (exclusive) into {@code values}, whose earlier rows hold what
     * an earlier call computed: how an executor runs the forward part of a gradient graph, then its backward part on
     * the values the forward kept. With {@code release}, a value is dropped once no later node of the whole graph
     * and no graph output reads it (its row is replaced, never cleared in place, so copies of the rows stay whole).
     */
    public static void runNodes(Graph graph, NDArray[][] values, Map<String, NDArray> variables, boolean training,
                                int from, int to, boolean release) {
        runNodes(graph, values, variables, training, from, to, release ? lastUses(graph) : null);
    }

    /**
     * As {@link #runNodes(Graph, NDArray[][], Map, boolean, int, int, boolean)} with the release schedule computed
     * once ({@link #lastUses}, or {@code null} to keep every value). A variable whose row is already filled keeps
     * that value, so a caller may place inputs by node index and pass an empty map.
     */
    public static void runNodes(Graph graph, NDArray[][] values, Map<String, NDArray> variables, boolean training,
                                int from, int to, int[] lastUse) {
        boolean release = lastUse != null;
        boolean wasTraining = OpContext.isTraining();
        if (wasTraining != training) {
            OpContext.setTraining(training);
        }
        try {
            for (int i = from; i < to; i++) {
                Node n = graph.node(i);
                values[i] = switch (n) {
                    case Variable v -> values[i] != null ? values[i] : new NDArray[] {variable(v, variables)};
                    case OpNode op -> apply(op, values);
                };
                if (release) {
                    for (Entry e : n.inputs()) {
                        if (lastUse[e.node()] == i) {
                            values[e.node()] = new NDArray[values[e.node()].length];
                        }
                    }
                }
            }
        } finally {
            if (wasTraining != training) {
                OpContext.setTraining(wasTraining);
            }
        }
    }

    private static NDArray variable(Variable v, Map<String, NDArray> variables) {
        NDArray a = variables.get(v.name());
        if (a == null) {
            throw new KilnException("graph input '" + v.name() + "' was not given; inputs given: "
                    + variables.keySet());
        }
        return a;
    }

    private static NDArray[] apply(OpNode op, NDArray[][] values) {
        List<NDArray> in = new ArrayList<>(op.inputs().size());
        for (Entry e : op.inputs()) {
            in.add(values[e.node()][e.output()]);
        }
        try (var where = Anomaly.isEnabled() ? AnomalyContext.node(op.name()) : null) {
            return Ops.invokeAll(op.op(), op.params(), in).toArray(new NDArray[0]);
        } catch (NumericAnomalyException e) {
            throw e; // it names the node itself
        } catch (KilnException e) {
            throw new NodeExecutionException(op.name(), op.op().name(), e.getMessage(), e);
        }
    }

    /** For each node, the index of the last node reading it; graph outputs are read "after the end". */
    public static int[] lastUses(Graph graph) {
        int[] last = new int[graph.size()];
        Arrays.fill(last, -1);
        for (int i = 0; i < graph.size(); i++) {
            for (Entry e : graph.node(i).inputs()) {
                last[e.node()] = i;
            }
        }
        for (Entry e : graph.outputs()) {
            last[e.node()] = Integer.MAX_VALUE;
        }
        return last;
    }
}
