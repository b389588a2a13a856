package dev.ppc.runtime;

import dev.ppc.backend.Tensor;

/**
 * What the workers share for one run: the microbatch views of the model inputs and outputs
 * (indexed by the value's position in the spec, then by microbatch), the run's control, and the
 * trace the workers record into. Handed to every worker through its queue, which orders the
 * caller's setup before the workers' reads.
 */
record RunState(Tensor[][] inputs, Tensor[][] outputs, RunControl control, ExecutionTrace trace) { }
