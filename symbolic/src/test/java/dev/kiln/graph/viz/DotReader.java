package dev.kiln.graph.viz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader for the DOT subset plots use, written from the DOT grammar independently of {@link DotText}: it lexes
 * IDs (identifiers, numerals, quoted strings where only {@code \"} is an escape, as Graphviz has it) and reads
 * {@code digraph ID { stmt* }} with node and edge statements and their attribute lists; anything else fails.
 */
final class DotReader {
    record Statement(List<String> ids, Map<String, String> attrs) {
        boolean isEdge() {
            return ids.size() == 2;
        }
    }

    record Digraph(String title, List<Statement> statements) {
        /** Node statements by node ID. */
        Map<String, Map<String, String>> nodes() {
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            for (Statement s : statements) {
                if (!s.isEdge()) {
                    out.put(s.ids().get(0), s.attrs());
                }
            }
            return out;
        }

        List<Statement> edges() {
            return statements.stream().filter(Statement::isEdge).toList();
        }
    }

    private final String text;
    private int pos;

    private DotReader(String text) {
        this.text = text;
    }

    static Digraph read(String text) {
        DotReader r = new DotReader(text);
        r.expect("digraph");
        String title = r.id();
        r.expect("{");
        List<Statement> statements = new ArrayList<>();
        while (!r.peek("}")) {
            List<String> ids = new ArrayList<>(List.of(r.id()));
            if (r.peek("->")) {
                r.expect("->");
                ids.add(r.id());
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            r.expect("[");
            while (!r.peek("]")) {
                String key = r.id();
                r.expect("=");
                attrs.put(key, r.id());
            }
            r.expect("]");
            statements.add(new Statement(ids, attrs));
        }
        r.expect("}");
        r.skipSpace();
        if (r.pos != text.length()) {
            throw new IllegalStateException("text after the digraph at " + r.pos);
        }
        return new Digraph(title, statements);
    }

    /** An ID; a quoted one comes back with {@code \"} unescaped and other backslash pairs kept, as Graphviz reads it. */
    private String id() {
        skipSpace();
        char c = text.charAt(pos);
        if (c == '"') {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (text.charAt(pos) != '"') {
                if (text.charAt(pos) == '\\' && text.charAt(pos + 1) == '"') {
                    sb.append('"');
                    pos += 2;
                } else {
                    sb.append(text.charAt(pos++));
                }
            }
            pos++;
            return sb.toString();
        }
        int start = pos;
        if (Character.isLetter(c) || c == '_') {
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
        } else {
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || "-.".indexOf(text.charAt(pos)) >= 0)) {
                pos++;
            }
        }
        if (start == pos) {
            throw new IllegalStateException("expected an ID at " + pos + ": " + text.substring(pos));
        }
        return text.substring(start, pos);
    }

    private boolean peek(String token) {
        skipSpace();
        return text.startsWith(token, pos);
    }

    private void expect(String token) {
        if (!peek(token)) {
            throw new IllegalStateException("expected '" + token + "' at " + pos + ": " + text.substring(pos));
        }
        pos += token.length();
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
