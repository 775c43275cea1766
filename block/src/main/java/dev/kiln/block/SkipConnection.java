package dev.kiln.block;

import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterDict;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A residual wrapper (Flux's {@code SkipConnection}): {@code connection(block(x), x)}, by default
 * {@code block(x) + x}; with {@code Connection.concat(1)} the input's channels are appended to the block's (a
 * DenseNet layer). With several inputs the block receives them all and the connection joins its output with each.
 */
public class SkipConnection extends HybridBlock {
    private final HybridBlock block;
    private final Connection connection;

    /** {@code block(x) + x}. */
    public SkipConnection(HybridBlock block) {
        this(block, Connection.add());
    }

    public SkipConnection(HybridBlock block, Connection connection) {
        this(block, connection, null, null);
    }

    /** As {@link #SkipConnection(HybridBlock, Connection)}, named by {@code prefix} or sharing {@code params}. */
    public SkipConnection(HybridBlock block, Connection connection, String prefix, ParameterDict params) {
        super(prefix, params);
        this.connection = Objects.requireNonNull(connection, "SkipConnection needs a connection (Connection.add()"
                + ", ...)");
        this.block = registerChild(block, "block");
    }

    /** The wrapped block. */
    public HybridBlock block() {
        return block;
    }

    public Connection connection() {
        return connection;
    }

    @Override
    protected <T> List<T> hybridForward(F<T> F, List<T> inputs, ParameterValues<T> p) {
        List<T> joined = new ArrayList<>(Branches.call(this, List.of(inputs), (b, in) -> block.callAll(F, in)));
        joined.addAll(inputs);
        List<String> labels = new ArrayList<>(Branches.labels(this));
        for (int i = 0; i < inputs.size(); i++) {
            labels.add(inputs.size() == 1 ? "input" : "input " + i);
        }
        return List.of(Branches.join(connection, F, joined, labels));
    }

    /** Gluon's tree with the connection first: {@code SkipConnection(}, {@code connection: add}, the block. */
    @Override
    public String toString() {
        return Containers.tree(this, List.of("connection: " + connection));
    }
}
