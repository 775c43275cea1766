package dev.kiln.graph;

/** One output of one node: output {@code output} of node {@code node} (an index into {@link Graph#nodes()}). */
public record Entry(int node, int output) {
    public Entry {
        if (node < 0 || output < 0) {
            throw new IllegalArgumentException("entry indices must be >= 0, got (" + node + ", " + output + ")");
        }
    }

    @Override
    public String toString() {
        return "%" + node + (output == 0 ? "" : "." + output);
    }
}
