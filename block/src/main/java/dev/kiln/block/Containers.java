package dev.kiln.block;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.List;

/** Index and slice access shared by the sequential containers, with errors naming the container and its size. */
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
}
