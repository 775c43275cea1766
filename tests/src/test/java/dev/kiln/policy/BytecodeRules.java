package dev.kiln.policy;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one compiled class with ASM and lists where it breaks the library's rules on output and logging: a read of
 * {@code System.out} or {@code System.err}, a call of {@code System.exit}, {@code Runtime.exit}/{@code halt},
 * {@code Thread.dumpStack} or the no-argument {@code printStackTrace()} (including as method references), and any
 * use of a logging API other than {@code System.Logger} ({@code java.util.logging}, SLF4J, Log4j, Commons Logging,
 * Logback, JBoss Logging) in a supertype, field, signature, instruction or local variable.
 */
final class BytecodeRules {
    /** Internal-name prefixes of the logging APIs library code may not use directly. */
    static final List<String> OTHER_LOGGING_APIS = List.of("java/util/logging/", "org/slf4j/", "org/apache/log4j/",
            "org/apache/logging/", "org/apache/commons/logging/", "ch/qos/logback/", "org/jboss/logging/");

    /** One rule broken at one place: {@code dev.kiln.io.Npy.read(...)}: what it does. */
    record Violation(String className, String method, String what) {
        @Override
        public String toString() {
            return className + (method == null ? "" : "." + method) + ": " + what;
        }
    }

    private BytecodeRules() {
    }

    /** Every place in the class file {@code bytes} that breaks a rule, in the order they appear. */
    static List<Violation> check(byte[] bytes) {
        List<Violation> found = new ArrayList<>();
        new ClassReader(bytes).accept(new Checker(found), ClassReader.SKIP_FRAMES);
        return found;
    }

    /** The logging API {@code descriptorOrName} mentions (an internal name or a descriptor), or null. */
    static String otherLoggingApi(String descriptorOrName) {
        if (descriptorOrName == null) {
            return null;
        }
        for (String prefix : OTHER_LOGGING_APIS) {
            int at = descriptorOrName.indexOf(prefix);
            if (at >= 0) {
                int end = descriptorOrName.indexOf(';', at);
                return descriptorOrName.substring(at, end < 0 ? descriptorOrName.length() : end).replace('/', '.');
            }
        }
        return null;
    }

    private static final class Checker extends ClassVisitor {
        private final List<Violation> found;
        private String className;

        Checker(List<Violation> found) {
            super(Opcodes.ASM9);
            this.found = found;
        }

        private void report(String method, String what) {
            found.add(new Violation(className, method, what));
        }

        private void logging(String method, String descriptorOrName) {
            String api = otherLoggingApi(descriptorOrName);
            if (api != null) {
                report(method, "uses " + api + " (log through System.Logger)");
            }
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            className = name.replace('/', '.');
            logging(null, superName);
            logging(null, signature);
            for (String i : interfaces == null ? new String[0] : interfaces) {
                logging(null, i);
            }
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            logging("field " + name, descriptor);
            logging("field " + name, signature);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            String where = name + "(" + argumentNames(descriptor) + ")";
            logging(where, descriptor);
            logging(where, signature);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                    if (opcode == Opcodes.GETSTATIC && owner.equals("java/lang/System")
                            && (field.equals("out") || field.equals("err"))) {
                        report(where, "reads System." + field + " (write to a sink the caller gives, or log)");
                    }
                    logging(where, owner);
                    logging(where, desc);
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String called, String desc, boolean itf) {
                    call(owner, called, desc);
                }

                @Override
                public void visitInvokeDynamicInsn(String called, String desc, Handle bsm, Object... args) {
                    logging(where, desc);
                    for (Object a : args) {
                        if (a instanceof Handle h) {
                            if (h.getTag() == Opcodes.H_GETSTATIC) {
                                visitFieldInsn(Opcodes.GETSTATIC, h.getOwner(), h.getName(), h.getDesc());
                            } else {
                                call(h.getOwner(), h.getName(), h.getDesc());
                            }
                        } else if (a instanceof Type t) {
                            logging(where, t.getDescriptor());
                        }
                    }
                }

                private void call(String owner, String called, String desc) {
                    String what = switch (owner + "." + called) {
                        case "java/lang/System.exit" -> "calls System.exit (throw a KilnException instead)";
                        case "java/lang/Runtime.exit", "java/lang/Runtime.halt" -> "calls Runtime." + called
                                + " (throw a KilnException instead)";
                        case "java/lang/Thread.dumpStack" -> "calls Thread.dumpStack (it prints to System.err)";
                        default -> called.equals("printStackTrace") && desc.equals("()V")
                                ? "calls printStackTrace() (it prints to System.err; rethrow or log the exception)"
                                : null;
                    };
                    if (what != null) {
                        report(where, what);
                    }
                    logging(where, owner);
                    logging(where, desc);
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    logging(where, type);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof Type t) {
                        logging(where, t.getDescriptor());
                    }
                }

                @Override
                public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                    logging(where, type);
                }

                @Override
                public void visitLocalVariable(String local, String desc, String sig, Label start, Label end,
                                               int index) {
                    logging(where, desc);
                }
            };
        }

        private static String argumentNames(String descriptor) {
            StringBuilder sb = new StringBuilder();
            for (Type t : Type.getArgumentTypes(descriptor)) {
                if (!sb.isEmpty()) {
                    sb.append(", ");
                }
                String n = t.getClassName();
                sb.append(n.substring(n.lastIndexOf('.') + 1));
            }
            return sb.toString();
        }
    }
}
