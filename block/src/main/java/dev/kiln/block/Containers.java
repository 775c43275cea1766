package dev.kiln.block;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Index and slice access shared by the containers, with errors naming the container and its size, and Gluon's tree
 * repr they print.
 */
final class Containers {
    private Containers() {
    }

    static Block get(Block container, int index) {
        List<Block> all = new ArrayList<>(container.children().values());
        int i = index < 0 ? index + all.size() : index;
        if (i < 0 || i >= all.size()) {
            throw new KilnException("'" + container.name() + "' has " + all.size() + " children; index " + index
                    + " is out of range");
        }
        return all.get(i);
    }

    static List<Block> slice(Block container, int from, int to) {
        List<Block> all = new ArrayList<>(container.children().values());
        int n = all.size();
        int a = Math.max(0, Math.min(n, from < 0 ? from + n : from));
        int b = Math.max(a, Math.min(n, to < 0 ? to + n : to));
        return all.subList(a, b);
    }

    /**
     * Gluon's tree: {@code Name(}, then {@code leading} lines (a container's settings, such as its connection), one
     * {@code   (child): ...} line per child, indented, and {@code )}.
     */
    static String tree(Block block, List<String> leading) {
        List<String> lines = new ArrayList<>();
        for (String l : leading) {
            lines.add("  " + l);
        }
        for (Map.Entry<String, Block> e : block.children().entrySet()) {
            lines.add("  (" + e.getKey() + "): " + e.getValue().toString().replace("\n", "\n  "));
        }
        return block.getClass().getSimpleName() + "(\n" + String.join("\n", lines) + "\n)";
    }
}
