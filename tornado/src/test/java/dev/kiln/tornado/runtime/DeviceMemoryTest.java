package dev.kiln.tornado.runtime;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bookkeeping of device-resident arrays that the emulation and TornadoVM share ({@link DeviceMemory}). */
class DeviceMemoryTest {
    /** A store that records what it sends and fetches, its device arrays plain copies. */
    private static final class RecordingStore implements DeviceMemory.Store {
        final List<String> log = new ArrayList<>();

        @Override
        public Object allocate(Object host) {
            log.add("allocate");
            return new float[((float[]) host).length];
        }

        @Override
        public void put(Object host, Object device) {
            log.add("put");
            System.arraycopy(host, 0, device, 0, ((float[]) host).length);
        }

        @Override
        public void get(Object device, Object host) {
            log.add("get");
            System.arraycopy(device, 0, host, 0, ((float[]) host).length);
        }
    }

    @Test
    void anArrayIsSentOnceAgainAfterAHostWriteAndFetchedOnlyWhenTheDeviceChangedIt() {
        RecordingStore store = new RecordingStore();
        DeviceMemory m = new DeviceMemory(store);
        NDArray w = NDArray.of(Shape.of(2), 1f, 2f);
        float[] device = (float[]) m.current(w, () -> { }).array();
        m.current(w, () -> { });
        assertThat(store.log).containsExactly("allocate", "put");
        device[0] = 5f; // a kernel writes the device copy
        m.deviceWrote(w);
        m.toHost(w);
        m.toHost(w);
        assertThat(w.toFloatArray()).containsExactly(5f, 2f);
        assertThat(store.log).containsExactly("allocate", "put", "get");
        w.floatData()[1] = 7f; // the host writes
        w.markMutated();
        m.current(w, () -> { });
        assertThat(store.log).containsExactly("allocate", "put", "get", "put");
        assertThat(device).containsExactly(5f, 7f);
        assertThat(m.uploads()).isEqualTo(2);
        assertThat(m.downloads()).isEqualTo(1);
    }

    @Test
    void aKeptValueTheHostMayReadIsCopiedToItBeforeItsBufferIsOverwritten() {
        RecordingStore store = new RecordingStore();
        DeviceMemory m = new DeviceMemory(store);
        float[] device = {1f, 2f, 3f};
        DeviceMemory.OnDevice value = new DeviceMemory.OnDevice(device);
        NDArray unread = NDArray.deferred(Shape.of(3), DType.FLOAT32, Device.cpu(), m.readback(value)::into);
        NDArray read = NDArray.deferred(Shape.of(3), DType.FLOAT32, Device.cpu(), m.readback(value)::into);
        NDArray internal = NDArray.deferred(Shape.of(3), DType.FLOAT32, Device.cpu(), m.readback(value)::into);
        m.keep(unread, device, true);
        m.keep(read, device, true);
        m.keep(internal, device, false);
        assertThat(m.kept(internal)).as("a later segment binds it on the device").isNotNull();
        assertThat(read.toFloatArray()).as("the host reads it").containsExactly(1f, 2f, 3f);
        assertThat(store.log).containsExactly("get");
        m.retire(device);
        device[0] = 9f; // the segment runs again
        assertThat(unread.isPending()).as("copied back before the overwrite").isFalse();
        assertThat(unread.toFloatArray()).containsExactly(1f, 2f, 3f);
        assertThat(read.toFloatArray()).containsExactly(1f, 2f, 3f);
        assertThat(store.log).as("one copy per array the host may read, none for the internal value")
                .containsExactly("get", "get");
        assertThat(internal.isPending()).isTrue();
        assertThatThrownBy(internal::toFloatArray).hasStackTraceContaining("overwritten by a later run");
        assertThat(m.kept(unread)).as("no longer offered to later segments").isNull();
        assertThat(m.kept(internal)).isNull();
    }
}
