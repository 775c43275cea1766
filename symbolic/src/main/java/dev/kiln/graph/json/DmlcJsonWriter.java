package dev.kiln.graph.json;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes JSON with the layout of dmlc-core's {@code JSONWriter}, which MXNet's symbol JSON comes from, so Kiln's
 * files are byte-identical to MXNet's: a multi-line scope puts each member on its own line indented by two spaces
 * per open scope, members are separated by {@code ", "} (so lines end in a space), and a closing bracket goes on its
 * own line unless the scope is empty. Strings escape only {@code \r \n \t \\ "}, as dmlc does; every other character
 * is written as is (UTF-8). Unlike dmlc, object keys are escaped too, so an odd key cannot break the document.
 */
final class DmlcJsonWriter {
    private final StringBuilder out = new StringBuilder();
    /** For each open scope: whether it is multi-line. */
    private final List<Boolean> multiLine = new ArrayList<>();
    /** For each open scope: how many members it has so far. */
    private final List<Integer> counts = new ArrayList<>();

    void beginObject(boolean multi) {
        open('{', multi);
    }

    void endObject() {
        close('}');
    }

    void beginArray(boolean multi) {
        open('[', multi);
    }

    void endArray() {
        close(']');
    }

    /** Starts an object member: the separator, the line break if multi-line, then {@code "key": }. */
    void key(String key) {
        int top = counts.size() - 1;
        if (counts.get(top) > 0) {
            out.append(", ");
        }
        separator();
        string(key);
        out.append(": ");
        counts.set(top, counts.get(top) + 1);
    }

    /** Starts an array item: the separator and the line break if multi-line. */
    void item() {
        int top = counts.size() - 1;
        if (counts.get(top) != 0) {
            out.append(", ");
        }
        counts.set(top, counts.get(top) + 1);
        separator();
    }

    void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                default -> out.append(c);
            }
        }
        out.append('"');
    }

    void number(long v) {
        out.append(v);
    }

    /** An array of ints as dmlc writes a vector of a plain type: on one line unless it has more than ten items. */
    void intArray(int[] values) {
        beginArray(values.length > 10);
        for (int v : values) {
            item();
            number(v);
        }
        endArray();
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void open(char bracket, boolean multi) {
        out.append(bracket);
        multiLine.add(multi);
        counts.add(0);
    }

    private void close(char bracket) {
        int top = counts.size() - 1;
        boolean newline = multiLine.remove(top);
        int members = counts.remove(top);
        if (newline && members != 0) {
            separator();
        }
        out.append(bracket);
    }

    private void separator() {
        if (multiLine.isEmpty() || multiLine.get(multiLine.size() - 1)) {
            out.append('\n');
            out.repeat(' ', multiLine.size() * 2);
        }
    }
}
