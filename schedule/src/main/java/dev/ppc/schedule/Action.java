package dev.ppc.schedule;

/**
 * One step of a core's action list: an {@link ActionType} applied to a (virtual) stage, for a
 * microbatch where that applies, talking to a peer stage where that applies.
 *
 * <p>Stages are global (virtual) stage ids: with interleaving, core {@code r} of {@code p} holds
 * stages {@code r, r+p, r+2p, ...}. A send or receive names the stage on this core and the stage
 * on the other end; activations always flow from stage {@code s} to {@code s+1} and gradients from
 * {@code s+1} to {@code s}.
 *
 * @param type        what to do
 * @param stage       the stage on this core the action belongs to
 * @param microbatch  the microbatch, or {@code -1} for REDUCE_TIED and OPT_STEP
 * @param peerStage   the stage at the other end of a send, receive or tied reduction, else {@code -1}
 */
public record Action(ActionType type, int stage, int microbatch, int peerStage) {
    public Action {
        if (type == null) throw new IllegalArgumentException("action type is required");
        if (!type.hasMicrobatch() && microbatch != -1)
            throw new IllegalArgumentException(type + " has no microbatch, got " + microbatch);
        if (!type.hasPeer() && peerStage != -1)
            throw new IllegalArgumentException(type + " has no peer stage, got " + peerStage);
    }

    public static Action forward(int stage, int mb) { return new Action(ActionType.F, stage, mb, -1); }

    public static Action backward(int stage, int mb) { return new Action(ActionType.B, stage, mb, -1); }

    public static Action inputGrad(int stage, int mb) { return new Action(ActionType.I, stage, mb, -1); }

    public static Action weightGrad(int stage, int mb) { return new Action(ActionType.W, stage, mb, -1); }

    public static Action loss(int stage, int mb) { return new Action(ActionType.LOSS, stage, mb, -1); }

    /** Stage {@code stage} sends its output for {@code mb} to stage {@code stage + 1}. */
    public static Action sendForward(int stage, int mb) { return new Action(ActionType.SEND_F, stage, mb, stage + 1); }

    /** Stage {@code stage} receives its input for {@code mb} from stage {@code stage - 1}. */
    public static Action recvForward(int stage, int mb) { return new Action(ActionType.RECV_F, stage, mb, stage - 1); }

    /** Stage {@code stage} sends the gradient of its input for {@code mb} to stage {@code stage - 1}. */
    public static Action sendBackward(int stage, int mb) { return new Action(ActionType.SEND_B, stage, mb, stage - 1); }

    /** Stage {@code stage} receives the gradient of its output for {@code mb} from stage {@code stage + 1}. */
    public static Action recvBackward(int stage, int mb) { return new Action(ActionType.RECV_B, stage, mb, stage + 1); }

    public static Action reduceTied(int stage, int withStage) { return new Action(ActionType.REDUCE_TIED, stage, -1, withStage); }

    public static Action optimizerStep(int stage) { return new Action(ActionType.OPT_STEP, stage, -1, -1); }

    /**
     * PyTorch's compact notation, {@code [stage][type][microbatch]}: {@code 0F1}, {@code 1B0},
     * {@code 2W3}, {@code 1RECV_F0}. LOSS, REDUCE_TIED and OPT_STEP have no PyTorch spelling; they
     * are written the same way ({@code 3LOSS0}, {@code 0OPT_STEP}) for display only.
     */
    public String compact() {
        return stage + type.name() + (microbatch >= 0 ? Integer.toString(microbatch) : "");
    }

    /** Human form used in diagnostics: {@code RECV_F(stage 1, mb 2, from stage 0)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type.name()).append("(stage ").append(stage);
        if (microbatch >= 0) sb.append(", mb ").append(microbatch);
        switch (type) {
            case SEND_F, SEND_B -> sb.append(", to stage ").append(peerStage);
            case RECV_F, RECV_B -> sb.append(", from stage ").append(peerStage);
            case REDUCE_TIED -> sb.append(", with stage ").append(peerStage);
            default -> { }
        }
        return sb.append(')').toString();
    }
}
