package dev.kiln.tornado.kernel;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceClassVisitor;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A generated kernel class: its binary name ({@code dev.kiln.tornado.generated.K...}), the class file bytes, and the
 * public static kernel method it holds (name and descriptor).
 */
public record KernelClass(String binaryName, byte[] bytes, String methodName, String descriptor) {

    /** The class as ASM's Textifier prints it: bytecode, local-variable table and annotations, for reading. */
    public String listing() {
        StringWriter text = new StringWriter();
        new ClassReader(bytes).accept(new TraceClassVisitor(null, new Textifier(), new PrintWriter(text)), 0);
        return text.toString();
    }

    /** The binary name as a class-file path, e.g. {@code dev/kiln/tornado/generated/K1_relu.class}. */
    public String resourcePath() {
        return binaryName.replace('.', '/') + ".class";
    }

    @Override
    public String toString() {
        return binaryName + "." + methodName + descriptor;
    }
}
