package dev.kiln.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header, a rule, and rows, each column as wide as its widest cell, two spaces apart. */
final class TextTable {
    private final List<List<String>> rows = new ArrayList<>();
    private final int columns;

    TextTable(List<String> header) {
        this.columns = header.size();
        rows.add(List.copyOf(header));
    }

    TextTable row(List<String> cells) {
        if (cells.size() != columns) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, the table " + columns);
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    void print(PrintWriter out, String indent) {
        int[] width = new int[columns];
        for (List<String> r : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            out.println(line(indent, rows.get(i), width));
            if (i == 0) {
                List<String> rule = new ArrayList<>();
                for (int w : width) {
                    rule.add("-".repeat(w));
                }
                out.println(line(indent, rule, width));
            }
        }
    }

    private static String line(String indent, List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder(indent);
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            sb.append(c == 0 ? "" : "  ").append(cell);
            if (c < cells.size() - 1) {
                sb.append(" ".repeat(width[c] - cell.length()));
            }
        }
        return sb.toString();
    }
}
