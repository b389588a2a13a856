package dev.ppc.runtime;

/**
 * Where the value of one port of a stage comes from (for an input port) or goes to (for an output
 * port): a model input or output, by name, or a channel between stages, by id. Exactly one of the
 * two is set.
 *
 * @param modelName  the model input or output name, or {@code null} for a channel
 * @param channel    the channel id, or {@code -1} for a model input or output
 */
public record PortBinding(String modelName, int channel) {
    public PortBinding {
        if (modelName == null && channel < 0)
            throw new IllegalArgumentException("a port binding needs a model input/output name or a channel id (>= 0), got channel " + channel);
        if (modelName != null && channel != -1)
            throw new IllegalArgumentException("a port binding names a model value ('" + modelName + "') or a channel (" + channel
                    + "), not both");
    }

    /** The port reads the model input, or writes the model output, called {@code name}. */
    public static PortBinding model(String name) {
        if (name == null) throw new IllegalArgumentException("a model input/output name is required");
        return new PortBinding(name, -1);
    }

    /** The port receives from, or sends to, channel {@code id}. */
    public static PortBinding channel(int id) { return new PortBinding(null, id); }

    /** Whether this binding is a channel (else it is a model input or output). */
    public boolean isChannel() { return modelName == null; }

    /** {@code "channel 3"} or {@code "model value 'x'"}, for messages. */
    @Override
    public String toString() { return isChannel() ? "channel " + channel : "model value '" + modelName + "'"; }
}
