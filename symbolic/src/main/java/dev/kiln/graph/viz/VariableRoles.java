package dev.kiln.graph.viz;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;

import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * What each variable of a graph is for: a data input (shown as a layer), a learnable parameter or an auxiliary state
 * (both hidden by {@code hide_weights}; only parameters count in a summary's totals, as MXNet counts BatchNorm as
 * gamma and beta alone). A variable is a parameter when an op reads it as its weight, bias, gamma, beta or
 * parameters input, or when its name ends like one ({@code _weight, _bias, _gamma, _beta}, MXNet's test); it is
 * auxiliary when an op reads it as an auxiliary state or its name ends in {@code _moving_mean/_var} or
 * {@code _running_mean/_var}.
 */
final class VariableRoles {
    enum Role { OP, INPUT, PARAMETER, AUXILIARY }

    private static final List<String> PARAMETER_SUFFIXES = List.of("_weight", "_bias", "_gamma", "_beta");
    private static final List<String> AUXILIARY_SUFFIXES = List.of("_moving_mean", "_moving_var", "_running_mean",
            "_running_var");
    private static final Set<String> PARAMETER_INPUTS = Set.of("weight", "bias", "gamma", "beta", "parameters");

    private VariableRoles() {
    }

    /** The role of every node, by node index ({@link Role#OP} for op nodes). */
    static Role[] of(Graph g) {
        BitSet auxiliary = g.auxiliaryMask();
        BitSet readAsParameter = new BitSet(g.size());
        for (Node n : g.nodes()) {
            if (n instanceof OpNode op) {
                List<String> names = op.inputNames();
                for (int k = 0; k < names.size(); k++) {
                    if (PARAMETER_INPUTS.contains(names.get(k))) {
                        readAsParameter.set(op.inputs().get(k).node());
                    }
                }
            }
        }
        Role[] roles = new Role[g.size()];
        for (int i = 0; i < g.size(); i++) {
            if (!(g.node(i) instanceof Variable v)) {
                roles[i] = Role.OP;
            } else if (auxiliary.get(i) || endsWithAny(v.name(), AUXILIARY_SUFFIXES)) {
                roles[i] = Role.AUXILIARY;
            } else if (readAsParameter.get(i) || endsWithAny(v.name(), PARAMETER_SUFFIXES)) {
                roles[i] = Role.PARAMETER;
            } else {
                roles[i] = Role.INPUT;
            }
        }
        return roles;
    }

    /** True for the roles a summary prints as rows and a plot draws as previous layers: ops and data inputs. */
    static boolean isLayer(Role r) {
        return r == Role.OP || r == Role.INPUT;
    }

    /** True if the entry {@code e} comes from a node drawn as a layer. */
    static boolean isLayer(Role[] roles, Entry e) {
        return isLayer(roles[e.node()]);
    }

    private static boolean endsWithAny(String name, List<String> suffixes) {
        for (String s : suffixes) {
            if (name.endsWith(s)) {
                return true;
            }
        }
        return false;
    }
}
