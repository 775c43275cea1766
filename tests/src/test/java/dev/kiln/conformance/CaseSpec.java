package dev.kiln.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One entry of the conformance case table: a title, how many cases to draw, and a generator that turns a seeded
 * {@link CaseRandom} into an {@link OpCase}. A fixed case is an entry whose generator ignores the random source.
 */
record CaseSpec(String title, int count, Function<CaseRandom, OpCase> generator) {
    /** The table's fixed seed; each entry's own seed mixes in its title. */
    static final long SEED = 0x4B494C4E_19L;

    /** {@code count} random cases. */
    static CaseSpec random(String title, int count, Function<CaseRandom, OpCase> generator) {
        return new CaseSpec(title, count, generator);
    }

    /** One hand-written case. */
    static CaseSpec fixed(String title, OpCase c) {
        return new CaseSpec(title, 1, r -> c);
    }

    /** The generated cases, identical on every run. */
    List<OpCase> cases() {
        CaseRandom r = new CaseRandom(SEED * 31 + title.hashCode());
        List<OpCase> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(generator.apply(r));
        }
        return out;
    }
}
