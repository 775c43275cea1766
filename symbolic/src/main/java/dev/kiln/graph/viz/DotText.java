package dev.kiln.graph.viz;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * DOT's lexical rules for IDs and attribute values: a plain identifier or a numeral stays bare, anything else
 * (spaces, punctuation, non-ASCII, a keyword such as {@code node}) is quoted with {@code \} and {@code "} escaped
 * and line breaks written as DOT's {@code \n}.
 */
final class DotText {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern NUMERAL = Pattern.compile("-?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)");
    private static final Set<String> KEYWORDS = Set.of("node", "edge", "graph", "digraph", "subgraph", "strict");

    private DotText() {
    }

    /** {@code text} as a DOT ID: bare if DOT reads it back unchanged, quoted and escaped otherwise. */
    static String id(String text) {
        boolean bare = IDENTIFIER.matcher(text).matches() && !KEYWORDS.contains(text.toLowerCase(Locale.ROOT))
                || NUMERAL.matcher(text).matches();
        return bare ? text : quoted(text);
    }

    /** {@code text} in double quotes; a line break becomes DOT's centred-line escape, other controls a space. */
    static String quoted(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return sb.append('"').toString();
    }
}
