package dev.kiln.compiler.memory;

import dev.kiln.ndarray.DType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FreeBuffersTest {
    private static BufferDraft draft(int id, DType dtype, long elements) {
        BufferDraft b = new BufferDraft(id, dtype, Buffer.Role.ARENA);
        b.elements = elements;
        return b;
    }

    private static FreeBuffers pool(int range, BufferDraft... free) {
        FreeBuffers pool = new FreeBuffers(range);
        for (BufferDraft b : free) {
            pool.release(b);
        }
        return pool;
    }

    private static final Class<?> FLOATS = float[].class;

    @Test
    void takesTheSmallestBufferAtLeastAsLargeWithinTheRange() {
        BufferDraft b10 = draft(0, DType.FLOAT32, 10);
        BufferDraft b40 = draft(1, DType.FLOAT32, 40);
        BufferDraft b100 = draft(2, DType.FLOAT32, 100);
        assertThat(pool(16, b10, b40, b100).take(FLOATS, 30)).isSameAs(b40);
        assertThat(pool(16, b10, b40, b100).take(FLOATS, 50)).isSameAs(b100);
        assertThat(pool(16, b10, b40, b100).take(FLOATS, 40)).isSameAs(b40);
    }

    @Test
    void fallsBackToTheLargestSmallerBufferNoSmallerThanTheRangeAllows() {
        BufferDraft b10 = draft(0, DType.FLOAT32, 10);
        BufferDraft b100 = draft(1, DType.FLOAT32, 100);
        // range 4: a request for n may take a smaller buffer down to n / 4 (integer division), which then grows
        assertThat(pool(4, b10, b100).take(FLOATS, 50)).isSameAs(b100);
        assertThat(pool(4, b10, b100).take(FLOATS, 400)).isSameAs(b100);
        assertThat(pool(4, b10, b100).take(FLOATS, 404)).isNull();
        assertThat(pool(4, b10).take(FLOATS, 1000)).isNull();
        assertThat(pool(2, b10, b100).take(FLOATS, 15)).isSameAs(b10);
    }

    @Test
    void rangeOneTakesOnlyEqualSizesAndTiesGoToTheLowerId() {
        BufferDraft first = draft(3, DType.FLOAT32, 8);
        BufferDraft second = draft(5, DType.FLOAT32, 8);
        assertThat(pool(1, draft(0, DType.FLOAT32, 9)).take(FLOATS, 8)).isNull();
        assertThat(pool(1, second, first).take(FLOATS, 8)).isSameAs(first);
    }

    @Test
    void takenBuffersLeaveThePoolAndStorageTypesDoNotMix() {
        BufferDraft floats = draft(0, DType.FLOAT32, 8);
        BufferDraft bools = draft(1, DType.BOOL, 8);
        FreeBuffers pool = pool(16, floats, bools);
        assertThat(pool.take(double[].class, 8)).isNull();
        assertThat(pool.take(byte[].class, 8)).isSameAs(bools);
        assertThat(pool.take(FLOATS, 8)).isSameAs(floats);
        assertThat(pool.take(FLOATS, 8)).isNull();
    }
}
