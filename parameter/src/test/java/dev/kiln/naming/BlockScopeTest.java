package dev.kiln.naming;

import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterDict;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.symbol.NameManager;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;

class BlockScopeTest {

    /** A stand-in for a block: its naming and its scope. */
    private record FakeBlock(String prefix, ParameterDict params, BlockScope scope) implements ScopeOwner {
        static FakeBlock create(String prefix, ParameterDict shared, String hint) {
            BlockScope.Naming n = BlockScope.create(prefix, shared, hint);
            FakeBlock[] self = new FakeBlock[1];
            self[0] = new FakeBlock(n.prefix(), n.params(), new BlockScope(new ScopeOwner() {
                public String prefix() {
                    return self[0].prefix();
                }

                public ParameterDict params() {
                    return self[0].params();
                }
            }));
            return self[0];
        }
    }

    @Test
    void topLevelBlocksCountPerHint() {
        try (NameManager.Scope ignored = NameManager.fresh()) {
            assertThat(FakeBlock.create(null, null, "dense").prefix()).isEqualTo("dense0_");
            assertThat(FakeBlock.create(null, null, "dense").prefix()).isEqualTo("dense1_");
            assertThat(FakeBlock.create(null, null, "conv").prefix()).isEqualTo("conv0_");
        }
    }

    @Test
    void childrenInsideAScopeTakeTheParentsPrefixAndCountersPerParent() {
        try (NameManager.Scope ignored = NameManager.fresh()) {
            FakeBlock m0 = FakeBlock.create(null, null, "model");
            FakeBlock m1 = FakeBlock.create(null, null, "model");
            FakeBlock a;
            FakeBlock b;
            FakeBlock c;
            try (BlockScope.Entered s = m0.scope().enter()) {
                a = FakeBlock.create(null, null, "dense");
                b = FakeBlock.create(null, null, "dense");
            }
            try (BlockScope.Entered s = m0.scope().enter()) {
                c = FakeBlock.create(null, null, "dense");
            }
            FakeBlock other;
            try (BlockScope.Entered s = m1.scope().enter()) {
                other = FakeBlock.create(null, null, "dense");
            }
            assertThat(a.prefix()).isEqualTo("model0_dense0_");
            assertThat(b.prefix()).isEqualTo("model0_dense1_");
            assertThat(c.prefix()).isEqualTo("model0_dense2_");
            assertThat(other.prefix()).isEqualTo("model1_dense0_");
            assertThat(a.params().get("weight").name()).isEqualTo("model0_dense0_weight");
            assertThat(FakeBlock.create(null, null, "dense").prefix()).isEqualTo("dense0_");
        }
    }

    @Test
    void nestedScopesChainPrefixes() {
        try (NameManager.Scope ignored = NameManager.fresh()) {
            FakeBlock net = FakeBlock.create(null, null, "net");
            try (BlockScope.Entered s = net.scope().enter()) {
                FakeBlock enc = FakeBlock.create(null, null, "encoder");
                try (BlockScope.Entered t = enc.scope().enter()) {
                    assertThat(FakeBlock.create(null, null, "dense").params().get("bias").name())
                            .isEqualTo("net0_encoder0_dense0_bias");
                }
                assertThat(BlockScope.current().owner().prefix()).isEqualTo("net0_");
            }
            assertThat(BlockScope.current()).isNull();
        }
    }

    @Test
    void explicitPrefixIsKeptAfterTheParents() {
        try (NameManager.Scope ignored = NameManager.fresh()) {
            assertThat(FakeBlock.create("mydense_", null, "dense").prefix()).isEqualTo("mydense_");
            FakeBlock m = FakeBlock.create(null, null, "model");
            try (BlockScope.Entered s = m.scope().enter()) {
                FakeBlock d = FakeBlock.create("mydense_", null, "dense");
                assertThat(d.prefix()).isEqualTo("model0_mydense_");
                assertThat(d.params().prefix()).isEqualTo("model0_mydense_");
            }
        }
    }

    @Test
    void givenParamsMakeTheNewBlockShareTheOtherBlocksParameters() {
        try (NameManager.Scope ignored = NameManager.fresh()) {
            FakeBlock first = FakeBlock.create(null, null, "dense");
            Parameter w = first.params().get("weight", ParameterSpec.of().shape(3, 2));
            FakeBlock second = FakeBlock.create(null, first.params(), "dense");
            assertThat(second.prefix()).isEqualTo("dense1_");
            assertThat(second.params().prefix()).isEqualTo("dense0_");
            assertThat(second.params().get("weight")).isSameAs(w);
        }
    }

    @Test
    void enteredScopePrefixesSymbolicNodeNames() {
        try (NameManager.Scope ignored = NameManager.fresh()) {
            FakeBlock dense = FakeBlock.create(null, null, "dense");
            try (BlockScope.Entered s = dense.scope().enter()) {
                Symbol x = Symbol.var("data");
                Symbol named = sym.fullyConnected(x, Symbol.var("w"), Symbol.var("b"), 3, Map.of("name", "fwd"));
                Symbol unnamed = sym.relu(named);
                assertThat(named.name()).isEqualTo("dense0_fwd");
                assertThat(unnamed.name()).isEqualTo("dense0_relu0");
            }
        }
    }

    @Test
    void topLevelCountersArePerThread() throws Exception {
        try (NameManager.Scope ignored = NameManager.fresh()) {
            FakeBlock.create(null, null, "mlp");
            String other = CompletableFuture.supplyAsync(() -> {
                try (NameManager.Scope fresh = NameManager.fresh()) {
                    return FakeBlock.create(null, null, "mlp").prefix();
                }
            }).get();
            assertThat(other).isEqualTo("mlp0_");
            assertThat(FakeBlock.create(null, null, "mlp").prefix()).isEqualTo("mlp1_");
        }
    }

    @Test
    void blockWithEmptyPrefixEntersNothing() {
        try (NameManager.Scope ignored = NameManager.fresh()) {
            FakeBlock anonymous = FakeBlock.create("", null, "symbolblock");
            try (BlockScope.Entered s = anonymous.scope().enter()) {
                assertThat(BlockScope.current()).isNull();
                assertThat(FakeBlock.create(null, null, "dense").prefix()).isEqualTo("dense0_");
            }
        }
    }
}
