package dev.ppc.backend;

import dev.ppc.ir.TensorType;

/**
 * One input or output of an executable stage. Parameters and outputs carry the function's names;
 * received and sent values carry their pipeline channel id.
 */
public record Port(Kind kind, String name, TensorType type, int channel) {
    /** Where a port's value comes from or goes to. */
    public enum Kind { PARAMETER, RECEIVE, OUTPUT, SEND }

    public static Port parameter(String name, TensorType type) { return new Port(Kind.PARAMETER, name, type, -1); }

    public static Port output(String name, TensorType type) { return new Port(Kind.OUTPUT, name, type, -1); }

    public static Port receive(String valueName, TensorType type, int channel) { return new Port(Kind.RECEIVE, valueName, type, channel); }

    public static Port send(String valueName, TensorType type, int channel) { return new Port(Kind.SEND, valueName, type, channel); }
}
