package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pass of a {@link DataLoader}. Without workers each batch is loaded when asked for. With workers, up to
 * {@code prefetch} batches are loading on daemon threads ahead of the consumer and come back in sampler order. A
 * failed batch ends the pass. The threads end when the pass is exhausted, when a batch fails, on {@link #close()},
 * and, for an iterator dropped
 * halfway, on their own once idle for a second (they only ever run ahead by {@code prefetch} batches).
 */
public final class BatchIterator implements Iterator<List<NDArray>>, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicInteger POOLS = new AtomicInteger();
    /** How long an idle worker thread lingers before it ends. */
    static final long KEEP_ALIVE_MS = 1000;

    /** Loads batch number {@code batch} from its sample indices. */
    interface Loader {
        List<NDArray> load(List<Integer> indices, int batch);
    }

    private final Iterator<List<Integer>> batches;
    private final Loader loader;
    private final int prefetch;
    private final Duration timeout;
    private final ThreadPoolExecutor pool;
    private final Cleaner.Cleanable cleanable;
    private final ArrayDeque<Future<List<NDArray>>> inFlight = new ArrayDeque<>();
    private int submitted;
    private int returned;
    private boolean closed;

    BatchIterator(Iterator<List<Integer>> batches, Loader loader, int workers, int prefetch, Duration timeout) {
        this.batches = batches;
        this.loader = loader;
        this.prefetch = prefetch;
        this.timeout = timeout;
        if (workers == 0) {
            this.pool = null;
            this.cleanable = null;
            return;
        }
        this.pool = new ThreadPoolExecutor(workers, workers, KEEP_ALIVE_MS, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemonThreads());
        pool.allowCoreThreadTimeOut(true);
        ThreadPoolExecutor p = pool;
        this.cleanable = CLEANER.register(this, p::shutdownNow);
        fill();
    }

    private static ThreadFactory daemonThreads() {
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "kiln-data-worker-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        return pool == null ? batches.hasNext() : !inFlight.isEmpty();
    }

    @Override
    public List<NDArray> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the DataLoader pass is exhausted or closed");
        }
        int batch = returned++;
        if (pool == null) {
            try {
                return loader.load(batches.next(), batch);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        List<NDArray> out = await(inFlight.poll(), batch);
        fill();
        if (inFlight.isEmpty()) {
            close();
        }
        return out;
    }

    private List<NDArray> await(Future<List<NDArray>> pending, int batch) {
        try {
            return pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            Throwable cause = e.getCause();
            if (cause instanceof Error err) {
                throw err;
            }
            throw new KilnException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            close();
            throw new KilnException("DataLoader: batch " + batch + " was not ready after the timeout of "
                    + timeout.toMillis() / 1000.0 + " s");
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new KilnException("DataLoader: interrupted while waiting for batch " + batch, e);
        }
    }

    /** Submits batches until {@code prefetch} are in flight or the sampler is done. */
    private void fill() {
        while (inFlight.size() < prefetch && batches.hasNext()) {
            List<Integer> indices = batches.next();
            int batch = submitted++;
            inFlight.add(pool.submit(() -> loader.load(indices, batch)));
        }
    }

    /** Stops the worker threads (if any) and ends the pass; batches not yet taken are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Future<List<NDArray>> f : inFlight) {
            f.cancel(true);
        }
        inFlight.clear();
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** Whether this pass's worker threads have all ended (true without workers). */
    public boolean terminated() {
        return pool == null || pool.isTerminated();
    }
}
