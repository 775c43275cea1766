package dev.kiln.parallel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Which CPU the current thread runs on, and moving a helper off its caller's CPU, on Linux through the C library's
 * {@code sched_getcpu} and {@code sched_setaffinity}. On a two-core machine the scheduler often woke a helper onto
 * its caller's core and left it there for whole bench rounds, so that a split GEMM ran at one core's speed (a
 * hybridized MLP step at batch 64 took 0.31-0.34 ms instead of 0.19); a helper that finds itself there moves (the
 * way OpenMP runtimes bind their threads, but only on a clash). Active only where this code may call native code
 * ({@code --enable-native-access}, which the {@code kiln} launcher's manifest grants) and the system property
 * {@code kiln.affinity} is not {@code false}; elsewhere {@link #currentCpu} is -1 and nothing moves.
 */
final class CpuPlacement {
    /** The size of the C library's {@code cpu_set_t}: 1024 CPUs, one bit each. */
    static final int MASK_BYTES = 128;
    private static final MethodHandle GET_CPU;
    private static final MethodHandle GET_AFFINITY;
    private static final MethodHandle SET_AFFINITY;

    static {
        MethodHandle[] handles = load();
        GET_CPU = handles[0];
        GET_AFFINITY = handles[1];
        SET_AFFINITY = handles[2];
    }

    private CpuPlacement() {
    }

    /** Whether threads can be placed here: Linux, native access granted, {@code kiln.affinity} not false. */
    static boolean isAvailable() {
        return GET_CPU != null;
    }

    /** The CPU the calling thread runs on now, or -1 where that is not known. */
    static int currentCpu() {
        if (GET_CPU == null) {
            return -1;
        }
        try {
            return (int) GET_CPU.invokeExact();
        } catch (Throwable t) {
            return -1;
        }
    }

    private static MethodHandle[] load() {
        MethodHandle[] none = new MethodHandle[3];
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || "false".equalsIgnoreCase(System.getProperty("kiln.affinity", "true"))
                || !CpuPlacement.class.getModule().isNativeAccessEnabled()) {
            return none;
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Optional<MemorySegment> getCpu = libc.find("sched_getcpu");
            Optional<MemorySegment> getAffinity = libc.find("sched_getaffinity");
            Optional<MemorySegment> setAffinity = libc.find("sched_setaffinity");
            if (getCpu.isEmpty() || getAffinity.isEmpty() || setAffinity.isEmpty()) {
                return none;
            }
            // sched_getcpu reads the CPU number the kernel keeps for the thread (no system call): a critical call
            // skips the thread-state change a downcall otherwise makes, so each job pays nanoseconds for it
            MethodHandle cpu = linker.downcallHandle(getCpu.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT),
                    Linker.Option.critical(false));
            FunctionDescriptor affinity = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
            MethodHandle[] handles = {cpu, linker.downcallHandle(getAffinity.get(), affinity),
                    linker.downcallHandle(setAffinity.get(), affinity)};
            return (int) cpu.invokeExact() >= 0 ? handles : none;
        } catch (Throwable t) {
            return none; // no linker for this platform, or the C library lacks the calls: threads stay where they are
        }
    }

    /**
     * Moves one thread off a CPU: it reads the thread's allowed CPUs when made (on that thread), and {@link #avoid}
     * restricts the thread to those less one. Not thread-safe: one per thread.
     */
    static final class Mover {
        private final MemorySegment allowed;
        private final MemorySegment mask;
        private final boolean usable;

        /** A mover for the calling thread, which may use CPUs of its current affinity mask. */
        Mover() {
            Arena arena = Arena.ofAuto();
            allowed = arena.allocate(MASK_BYTES);
            mask = arena.allocate(MASK_BYTES);
            usable = SET_AFFINITY != null && call(GET_AFFINITY, allowed) && count(allowed) >= 2;
        }

        /**
         * Restricts the calling thread (the one that made this mover) to its allowed CPUs other than {@code cpu},
         * which moves it at once if it runs there; returns whether the restriction took effect. Nothing changes when
         * placement is not available, {@code cpu} is not one of them, or it is the only one.
         */
        boolean avoid(int cpu) {
            if (!usable || cpu < 0 || cpu >= MASK_BYTES * 8 || !isSet(allowed, cpu)) {
                return false;
            }
            MemorySegment.copy(allowed, 0, mask, 0, MASK_BYTES);
            byte b = mask.get(ValueLayout.JAVA_BYTE, cpu >>> 3);
            mask.set(ValueLayout.JAVA_BYTE, cpu >>> 3, (byte) (b & ~(1 << (cpu & 7))));
            return call(SET_AFFINITY, mask);
        }

        private static boolean call(MethodHandle h, MemorySegment set) {
            try {
                return (int) h.invokeExact(0, (long) MASK_BYTES, set) == 0;
            } catch (Throwable t) {
                return false;
            }
        }

        private static boolean isSet(MemorySegment set, int cpu) {
            return (set.get(ValueLayout.JAVA_BYTE, cpu >>> 3) & (1 << (cpu & 7))) != 0;
        }

        private static int count(MemorySegment set) {
            int n = 0;
            for (int i = 0; i < MASK_BYTES; i++) {
                n += Integer.bitCount(set.get(ValueLayout.JAVA_BYTE, i) & 0xFF);
            }
            return n;
        }
    }
}
