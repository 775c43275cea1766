package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.parameter.Parameter;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the child blocks and parameters a block holds in its fields and registers them under the field's name,
 * superclass fields first, in declaration order: Java's counterpart of Gluon registering attributes on assignment.
 */
final class FieldRegistration {
    private FieldRegistration() {
    }

    static void register(Block block, Map<String, Block> children, Map<String, Parameter> parameters) {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = block.getClass(); c != null && c != Block.class && c != HybridBlock.class;
             c = c.getSuperclass()) {
            chain.addFirst(c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                boolean isBlock = Block.class.isAssignableFrom(f.getType());
                boolean isParam = Parameter.class.isAssignableFrom(f.getType());
                if (!isBlock && !isParam) {
                    continue;
                }
                Object value = read(block, f);
                if (value instanceof Block b && b != block && !children.containsValue(b)) {
                    children.putIfAbsent(f.getName(), b);
                } else if (value instanceof Parameter p && !parameters.containsValue(p)) {
                    parameters.putIfAbsent(f.getName(), p);
                }
            }
        }
    }

    private static Object read(Block block, Field f) {
        try {
            f.setAccessible(true);
            return f.get(block);
        } catch (InaccessibleObjectException | IllegalAccessException e) {
            throw new KilnException("block '" + block.name() + "': cannot read field '" + f.getName() + "' of "
                    + f.getDeclaringClass().getName() + " to register it (" + e.getMessage() + "); open the package "
                    + "to dev.kiln.block or register it with registerChild/registerParameter", e);
        }
    }
}
