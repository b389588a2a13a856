package dev.ppc.runtime;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.TensorType;
import java.util.ArrayDeque;

/**
 * The tensors one channel carries, recycled: the producing stage takes a free tensor as its output,
 * the consuming stage gives it back when its F has finished reading it.
 *
 * <p>At most {@code capacity} tensors ever exist. They are allocated on first need, so a pool holds
 * as many as were really outstanding at once, which for a streaming schedule is far fewer than the
 * capacity. The capacity is a bound, not a wait: the runtime sizes it to the number of messages a
 * channel carries in one run, so a producer never needs more (see {@link Channel}); needing more
 * means a tensor was not given back, and {@link #acquire} says so instead of blocking.
 *
 * <p>Producer and consumer are different threads; the monitor orders the consumer's reads of a
 * tensor before the producer's next writes to it.
 */
final class BufferPool {
    private final int channel;
    private final TensorType type;
    private final int capacity;
    private final ArrayDeque<Tensor> free = new ArrayDeque<>();
    private int allocated;

    BufferPool(int channel, TensorType type, int capacity) {
        this.channel = channel;
        this.type = type;
        this.capacity = capacity;
    }

    /** A tensor of the channel's type whose previous contents, if any, nobody reads any more. */
    synchronized Tensor acquire() {
        Tensor t = free.pollFirst();
        if (t != null) return t;
        if (allocated == capacity)
            throw new IllegalStateException("channel " + channel + " has all of its " + capacity + " buffers in use; a consumer did not "
                    + "give one back");
        allocated++;
        return Tensor.allocate(type.dtype(), type.shape());
    }

    /** Gives {@code t} back once its consumer is done with it. */
    synchronized void release(Tensor t) { free.addFirst(t); }

    /** How many tensors this pool has allocated so far. */
    synchronized int allocated() { return allocated; }

    /** Drops every tensor, so their memory can be freed; the pool can still allocate afresh. */
    synchronized void clear() {
        free.clear();
        allocated = 0;
    }
}
