package dev.kiln.block;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The values a hybridized graph hands out besides its results: the inputs and outputs of hooked children (so their
 * forward hooks run on arrays) and, for op hooks, every op's outputs (and inputs with {@code monitorAll}), appended
 * to the graph's outputs after the results.
 */
final class GraphTaps {
    private GraphTaps() {
    }

    /** A hooked child: which graph outputs are its inputs ({@code -1} for an absent one) and its outputs. */
    record HookTap(Block block, int[] inputs, int[] outputs) {
    }

    /** One op value for op hooks: its name, its op, its graph output, and whether it is an op's input. */
    record ValueTap(String name, String opName, int output, boolean isInput) {
    }

    /** An op hook and whether it also wants op inputs. */
    record OpHookRegistration(OpHook hook, boolean monitorAll) {
    }

    /** The graph with its taps, and where they are among its outputs. */
    record Tapped(Graph graph, List<HookTap> hookTaps, List<ValueTap> valueTaps) {
    }

    /** Appends the taps of {@code calls} and, when there are op hooks, of every op to {@code traced}'s graph. */
    static Tapped of(Symbol traced, List<TraceTaps.Call> calls, List<OpHookRegistration> opHooks) {
        List<Symbol> outs = new ArrayList<>();
        for (int k = 0; k < traced.numOutputs(); k++) {
            outs.add(traced.get(k));
        }
        List<HookTap> hookTaps = new ArrayList<>();
        for (TraceTaps.Call c : calls) {
            hookTaps.add(new HookTap(c.block(), append(outs, c.inputs()), append(outs, c.outputs())));
        }
        Graph g = calls.isEmpty() ? traced.graph() : Symbol.group(outs).graph();
        List<ValueTap> valueTaps = new ArrayList<>();
        if (!opHooks.isEmpty()) {
            boolean all = opHooks.stream().anyMatch(OpHookRegistration::monitorAll);
            List<Entry> entries = new ArrayList<>(g.outputs());
            for (int i = 0; i < g.size(); i++) {
                if (g.node(i) instanceof OpNode op) {
                    if (all) {
                        List<String> names = op.op().inputNames(op.params());
                        for (int j = 0; j < op.inputs().size(); j++) {
                            valueTaps.add(new ValueTap(op.name() + "_" + names.get(j), op.op().name(),
                                    entries.size(), true));
                            entries.add(op.inputs().get(j));
                        }
                    }
                    int visible = op.op().numVisibleOutputs(op.params());
                    for (int k = 0; k < visible; k++) {
                        valueTaps.add(new ValueTap(op.name() + "_output" + (visible == 1 ? "" : k), op.op().name(),
                                entries.size(), false));
                        entries.add(new Entry(i, k));
                    }
                }
            }
            g = g.withOutputs(entries);
        }
        return new Tapped(g, hookTaps, valueTaps);
    }

    private static int[] append(List<Symbol> outs, List<Symbol> symbols) {
        int[] idx = new int[symbols.size()];
        for (int j = 0; j < idx.length; j++) {
            Symbol s = symbols.get(j);
            if (s == null) {
                idx[j] = -1;
            } else {
                idx[j] = outs.size();
                outs.add(s);
            }
        }
        return idx;
    }

    /** Runs the hooked children's hooks, then the op hooks, on the values of one call. */
    static void fire(List<HookTap> hookTaps, List<ValueTap> valueTaps, List<NDArray> values,
                     List<OpHookRegistration> opHooks) {
        for (HookTap t : hookTaps) {
            List<NDArray> in = pick(values, t.inputs());
            t.block().hooks().before(t.block(), in);
            t.block().hooks().after(t.block(), in, pick(values, t.outputs()));
        }
        for (ValueTap v : valueTaps) {
            for (OpHookRegistration r : opHooks) {
                if (!v.isInput() || r.monitorAll()) {
                    r.hook().onValue(v.name(), v.opName(), values.get(v.output()));
                }
            }
        }
    }

    private static List<NDArray> pick(List<NDArray> values, int[] idx) {
        NDArray[] out = new NDArray[idx.length];
        for (int j = 0; j < idx.length; j++) {
            out[j] = idx[j] < 0 ? null : values.get(idx[j]);
        }
        return Arrays.asList(out);
    }
}
