package dev.kiln.tornado.testing;

import dev.kiln.tornado.TornadoOptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Allows host fallback ({@code kiln.tornado.fallback=true}) for each test of a class that hybridizes with the
 * registered {@code tornado} backend, and restores the property afterwards: nodes without device kernels then run on
 * the host, and the tests check where the others ran.
 */
public final class HostFallback implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(HostFallback.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        String old = System.setProperty(TornadoOptions.FALLBACK_PROPERTY, "true");
        context.getStore(NS).put("old", old == null ? "" : old);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String old = context.getStore(NS).get("old", String.class);
        if (old == null || old.isEmpty()) {
            System.clearProperty(TornadoOptions.FALLBACK_PROPERTY);
        } else {
            System.setProperty(TornadoOptions.FALLBACK_PROPERTY, old);
        }
    }
}
