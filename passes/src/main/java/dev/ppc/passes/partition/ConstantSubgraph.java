package dev.ppc.passes.partition;

import dev.ppc.ir.Function;
import dev.ppc.ir.Op;
import dev.ppc.ir.Value;
import java.util.HashSet;
import java.util.Set;

/**
 * The ops of a function whose results depend on constants only: {@code ppc.constant} ops and
 * ops all of whose operands are such results (a transposed weight, a shape computation that
 * folding left in place, an Identity of a cached table). The partitioner gives them no stage of
 * their own: each stage that uses one gets its own copy, because recomputing a constant is free
 * at run time and sending it would cost a transfer per microbatch.
 */
final class ConstantSubgraph {
    private ConstantSubgraph() {}

    static Set<Op> of(Function f) {
        Set<Op> constant = new HashSet<>();
        for (Op op : f.ops()) {
            if (op.is("ppc", "constant")) {
                constant.add(op);
                continue;
            }
            if (op.domain().equals("ppc")) continue; // sends, receives and any later ppc op have effects
            boolean any = false;
            boolean all = true;
            for (Value v : op.operands()) {
                if (v == null) continue;
                any = true;
                if (v.isParameter() || !constant.contains(v.definingOp())) {
                    all = false;
                    break;
                }
            }
            // An op without operands (other than ppc.constant) is kept out: if ONNX ever adds a
            // source op with effects or randomness, copying it would change the model.
            if (any && all) constant.add(op);
        }
        return constant;
    }
}
