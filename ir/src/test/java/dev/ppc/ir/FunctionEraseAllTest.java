package dev.ppc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.ir.verify.Verifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Function#eraseAll}: a dead group goes in one call, with its uses and names; live ops are refused. */
class FunctionEraseAllTest {
    private static final TensorType T = TensorType.of(DType.F32, 4);

    private static Op neg(Function f, Value v, String name) {
        return f.append("", "Neg", List.of(v), List.of(T), List.of(name), Map.of(), name);
    }

    @Test
    void erasesAGroupThatOnlyUsesItselfAndFreesItsUsesAndNames() {
        Module m = new Module("m");
        m.setOpset("", 17);
        Function f = new Function("main");
        m.addFunction(f);
        Value x = f.addParam("x", T);
        Op a = neg(f, x, "a");
        Op b = f.append("", "Add", List.of(a.result(), x), List.of(T), List.of("b"), Map.of(), "b");
        Op c = neg(f, x, "c");
        f.addOutput("y", c.result());
        f.eraseAll(List.of(b, a));
        assertEquals(List.of(c), f.ops());
        assertEquals(List.of(new Value.Use(c, 0)), x.uses());
        assertNull(a.parent());
        assertEquals("a", f.claimName("a"), "the erased ops' names are free again");
        Verifier.verify(m);
    }

    @Test
    void refusesOpsWhoseResultsAreUsedOutsideTheGroupOrAreOutputs() {
        Function f = new Function("main");
        Value x = f.addParam("x", T);
        Op a = neg(f, x, "a");
        Op b = neg(f, a.result(), "b");
        f.addOutput("y", b.result());
        assertTrue(assertThrows(IllegalStateException.class, () -> f.eraseAll(List.of(a))).getMessage().endsWith("%a has uses"));
        assertTrue(assertThrows(IllegalStateException.class, () -> f.eraseAll(List.of(a, b))).getMessage().endsWith("%b is an output"));
        assertEquals(List.of(a, b), f.ops(), "a refused erase changes nothing");
        assertEquals(1, x.uses().size());
    }
}
