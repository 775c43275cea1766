package dev.kiln.tornado.runtime;

import dev.kiln.KilnException;
import dev.kiln.tornado.kernel.KernelClass;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Defines generated kernel classes from their bytes, each binary name once, and finds their static kernel methods.
 * The kernels reference only arrays and {@code java.lang.Math}; TornadoVM's annotations in them are inert here.
 */
final class KernelLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> defined = new HashMap<>();

    KernelLoader(ClassLoader parent) {
        super("kiln-tornado-kernels", parent);
    }

    /** The kernel's static method, its class defined on first use. */
    MethodHandle kernel(KernelClass k) {
        Class<?> c = define(k);
        try {
            MethodType type = MethodType.fromMethodDescriptorString(k.descriptor(), this);
            return MethodHandles.publicLookup().findStatic(c, k.methodName(), type);
        } catch (ReflectiveOperationException | TypeNotPresentException e) {
            throw new KilnException("kernel " + k.binaryName() + "." + k.methodName() + k.descriptor()
                    + " cannot be called: " + e, e);
        }
    }

    private synchronized Class<?> define(KernelClass k) {
        byte[] earlier = defined.get(k.binaryName());
        if (earlier != null) {
            if (!Arrays.equals(earlier, k.bytes())) {
                throw new KilnException("two different kernel classes are named " + k.binaryName());
            }
            try {
                return loadClass(k.binaryName());
            } catch (ClassNotFoundException e) {
                throw new KilnException("kernel class " + k.binaryName() + " vanished", e);
            }
        }
        try {
            Class<?> c = defineClass(k.binaryName(), k.bytes(), 0, k.bytes().length);
            defined.put(k.binaryName(), k.bytes());
            return c;
        } catch (LinkageError e) {
            throw new KilnException("kernel class " + k.binaryName() + " does not verify: " + e.getMessage(), e);
        }
    }
}
