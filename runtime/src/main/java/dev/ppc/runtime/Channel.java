package dev.ppc.runtime;

import dev.ppc.backend.Tensor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process transport of one {@link ChannelSpec}: hands each microbatch's tensor from the
 * producing stage's core to the consuming stage's core without copying it.
 *
 * <p>A channel holds one slot per microbatch in each of three places, each owned by one side:
 * <ul>
 *   <li>{@code outgoing}: written by the producer's F, emptied by its {@code SEND_F}; producer thread only.</li>
 *   <li>{@code mailbox}: sent, not yet received; shared, guarded by the lock.</li>
 *   <li>{@code received}: received, not yet consumed by the consumer's F; consumer thread only.</li>
 * </ul>
 * Slots make the channel bounded (at most m messages, one per microbatch) and let a receive take
 * its microbatch whatever order messages arrive in. With room for every message of a run a send
 * never blocks, which is the buffered-send semantics the schedule validator assumes. A channel
 * between two stages on the same core skips the mailbox: the producer's F puts the tensor straight
 * into {@code received}.
 *
 * <p>A receive waits on a condition, not by polling; a failed run wakes every waiting receiver
 * ({@link #wake}) and the receiver then sees the run's cancellation.
 */
final class Channel {
    private final ChannelSpec spec;
    private final boolean local;
    private final BufferPool pool;
    private final Tensor[] outgoing;
    private final Tensor[] mailbox;
    private final Tensor[] received;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();

    /**
     * @param local         whether both stages run on the same core
     * @param microbatches  messages per run, which bounds both the slots and the buffers
     */
    Channel(ChannelSpec spec, boolean local, int microbatches) {
        this.spec = spec;
        this.local = local;
        this.pool = new BufferPool(spec.id(), spec.type(), microbatches);
        this.outgoing = new Tensor[microbatches];
        this.mailbox = new Tensor[microbatches];
        this.received = new Tensor[microbatches];
    }

    ChannelSpec spec() { return spec; }

    int id() { return spec.id(); }

    /** Whether producer and consumer run on the same core. */
    boolean isLocal() { return local; }

    BufferPool pool() { return pool; }

    /** Producer: a free tensor to compute microbatch's value into. */
    Tensor acquire() { return pool.acquire(); }

    /** Producer: the F of the source stage has computed {@code t} for {@code mb}. */
    void produced(int mb, Tensor t) {
        if (local) put(received, mb, t, "received");
        else put(outgoing, mb, t, "outgoing");
    }

    /** Producer: hands the tensor computed for {@code mb} to the consumer's core. Never blocks. */
    void send(int mb) {
        Tensor t = outgoing[mb];
        if (t == null) throw new IllegalStateException("channel " + spec.id() + " has nothing to send for microbatch " + mb
                + ": stage " + spec.srcStage() + " has not computed it");
        outgoing[mb] = null;
        lock.lock();
        try {
            put(mailbox, mb, t, "mailbox");
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Consumer: waits until the tensor for {@code mb} has been sent and takes it.
     *
     * @throws Cancelled if the run is cancelled (or the thread interrupted) while waiting
     */
    void receive(int mb, RunControl control) {
        lock.lock();
        try {
            while (mailbox[mb] == null) {
                if (control.cancelled()) throw Cancelled.INSTANCE;
                arrived.await();
            }
            received[mb] = mailbox[mb];
            mailbox[mb] = null;
        } catch (InterruptedException e) {
            throw Cancelled.INSTANCE;
        } finally {
            lock.unlock();
        }
    }

    /** Consumer: whether the tensor for {@code mb} is here, received or (for a local channel) produced. */
    boolean hasReceived(int mb) { return received[mb] != null; }

    /** Consumer: the tensor for {@code mb}, still owned by the channel until {@link #consumed}. */
    Tensor peek(int mb) { return received[mb]; }

    /** Consumer: the F that read {@code mb}'s tensor has finished; the buffer goes back to the pool. */
    void consumed(int mb) {
        Tensor t = received[mb];
        received[mb] = null;
        pool.release(t);
    }

    /** Wakes a receiver waiting on this channel, so that it notices a cancellation. */
    void wake() {
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void put(Tensor[] slots, int mb, Tensor t, String where) {
        if (slots[mb] != null)
            throw new IllegalStateException("channel " + spec.id() + " already holds a " + where + " tensor for microbatch " + mb);
        slots[mb] = t;
    }

    /** Thrown out of a wait when the run is cancelled; the worker then stops without reporting it. */
    static final class Cancelled extends RuntimeException {
        static final Cancelled INSTANCE = new Cancelled();

        private Cancelled() { super("run cancelled", null, false, false); }
    }
}
