package dev.ppc.backend;

import dev.ppc.ir.Op;

/**
 * An op a backend cannot run, as {@link Backend#unsupportedOps} reports it.
 *
 * @param op     the op, with its location in the user's model
 * @param reason why this node cannot run when the backend does run other nodes of its type (a
 *               dtype, an attribute, a shape), as one line without the op's location; null when
 *               the backend has no kernel for the op type at all
 */
public record UnsupportedOp(Op op, String reason) {}
