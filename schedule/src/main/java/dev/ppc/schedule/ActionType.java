package dev.ppc.schedule;

/**
 * What a core does in one step of its action list.
 *
 * <p>The compute actions use the letters of PyTorch's pipelining notation: {@code F} forward,
 * {@code B} full backward, and, for zero-bubble schedules, the backward split into {@code I}
 * (gradient with respect to the stage's input, which the previous stage waits for) and {@code W}
 * (gradient with respect to the stage's weights, which nobody waits for until the optimizer step).
 */
public enum ActionType {
    /** Forward pass of one stage for one microbatch. */
    F(true, false),
    /** Full backward pass (input and weight gradients) of one stage for one microbatch. */
    B(true, false),
    /** Input-gradient half of a split backward (zero-bubble schedules). */
    I(true, false),
    /** Weight-gradient half of a split backward (zero-bubble schedules). */
    W(true, false),
    /** Send a stage's output activations to the next stage. */
    SEND_F(false, true),
    /** Receive a stage's input activations from the previous stage. */
    RECV_F(false, true),
    /** Send the gradient of a stage's input to the previous stage. */
    SEND_B(false, true),
    /** Receive the gradient of a stage's output from the next stage. */
    RECV_B(false, true),
    /** Loss of one microbatch, on the last stage, between its forward and its backward. */
    LOSS(false, false),
    /** All-reduce of the gradients of weights shared by two stages (a tied embedding and head). */
    REDUCE_TIED(false, false),
    /** Optimizer step of one stage, once all its gradients are complete. */
    OPT_STEP(false, false);

    private final boolean compute;
    private final boolean communication;

    ActionType(boolean compute, boolean communication) {
        this.compute = compute;
        this.communication = communication;
    }

    /** F, B, I or W: the actions the compact PyTorch notation ({@code 0F1}) describes. */
    public boolean isCompute() { return compute; }

    /** SEND_F, RECV_F, SEND_B or RECV_B: point-to-point messages between adjacent stages. */
    public boolean isCommunication() { return communication; }

    /** Whether this action concerns one microbatch (everything but REDUCE_TIED and OPT_STEP). */
    public boolean hasMicrobatch() { return this != REDUCE_TIED && this != OPT_STEP; }

    /** Whether this action names a peer stage (the communication actions and REDUCE_TIED). */
    public boolean hasPeer() { return communication || this == REDUCE_TIED; }

    /** Whether the action produces the gradient of the stage's input (B or I). */
    public boolean isInputGradient() { return this == B || this == I; }

    /** Whether the action runs on the core's compute units and so counts as busy time. */
    public boolean isBusy() { return compute || this == LOSS; }
}
