package dev.kiln.testing;

import dev.kiln.symbol.NameManager;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Gives each test fresh name counters, so block prefixes start at {@code 0} whatever ran before. */
public final class FreshNames implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FreshNames.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("scope", NameManager.fresh());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        context.getStore(NS).get("scope", NameManager.Scope.class).close();
    }
}
