package dev.kiln.op.surface;

import java.util.Set;

/** A small builder of Java source lines for the surface generator. */
final class SourceText {
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits");

    private final StringBuilder sb = new StringBuilder();

    SourceText line(String text) {
        sb.append(text).append('\n');
        return this;
    }

    SourceText line() {
        sb.append('\n');
        return this;
    }

    static boolean isKeyword(String word) {
        return KEYWORDS.contains(word);
    }

    /** Escapes text for a Javadoc comment. */
    static String doc(String text) {
        return text.replace("*/", "*&#47;").replace("@", "{@literal @}").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
