package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs hybrid branches side by side and joins their outputs with a {@link Connection} (Flux's
 * {@code Parallel(connection, layers...)}): given one input, every branch receives it; given as many inputs as
 * there are branches, branch {@code i} receives input {@code i}. {@code new Parallel(Connection.add(), a, b)} is
 * {@code a(x) + b(x)}; {@code Connection.concat(1)} stacks the branches' channels.
 */
public class Parallel extends HybridBranches<Parallel> {
    private final Connection connection;

    /** Branches joined by {@code connection}, registered as {@code "0"}, {@code "1"}, ... */
    public Parallel(Connection connection, HybridBlock... branches) {
        this(connection, null, null);
        add(branches);
    }

    /** An empty container (add branches with {@link #add}), named by {@code prefix} or sharing {@code params}. */
    public Parallel(Connection connection, String prefix, ParameterDict params) {
        super(prefix, params);
        this.connection = Objects.requireNonNull(connection, "Parallel needs a connection (Connection.add(), ...)");
    }

    public Connection connection() {
        return connection;
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        int n = size();
        List<List<T>> perBranch;
        if (inputs.size() == n) {
            perBranch = new ArrayList<>();
            for (T x : inputs) {
                perBranch.add(java.util.Arrays.asList(x));
            }
        } else if (inputs.size() == 1) {
            perBranch = Branches.same(inputs, n);
        } else {
            throw new KilnException("Parallel has " + n + " branches and takes one input (given to every branch) "
                    + "or one input per branch (" + n + "), got " + inputs.size());
        }
        List<T> outs = Branches.call(this, perBranch, (b, in) -> ((HybridBlock) b).callAll(F, in));
        return List.of(Branches.join(connection, F, outs, Branches.labels(this)));
    }

    /** Gluon's tree with the connection first: {@code Parallel(}, {@code connection: add}, the branches. */
    @Override
    public String toString() {
        return Containers.tree(this, List.of("connection: " + connection));
    }
}
