package dev.ppc.ir.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FusedProgramTest {
    @Test
    void textRoundTripsAndKeepsLiteralBits() {
        String text = "Add(%0, %1); Mul($0, -0.0); Where(%2, -Infinity, $1); Div($2, 3.4028235E38); Sub($3, 1.0E-5); Neg($4)";
        FusedProgram p = FusedProgram.parse(text);
        assertEquals(text, p.text());
        assertEquals(p, FusedProgram.parse(p.text()));
        assertEquals(3, p.numOperands());
        assertTrue(p.isCondition(2));
        assertFalse(p.isCondition(0));
        FusedProgram.Literal negZero = (FusedProgram.Literal) p.steps().get(1).args().get(1);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(negZero.value()));
        assertFalse(FusedProgram.parse(text.replace("-0.0", "0.0")).equals(p), "literals compare by bits");
        assertEquals(List.of(FusedProgram.Kind.ADD, FusedProgram.Kind.MUL, FusedProgram.Kind.WHERE, FusedProgram.Kind.DIV,
                FusedProgram.Kind.SUB, FusedProgram.Kind.NEG), p.kinds());
    }

    @Test
    void rejectsBrokenPrograms() {
        assertMessage("Add(%0, $1); Neg($0)", "$1 is not an earlier step");
        assertMessage("Add(%0, %0); Neg(%0)", "step $0 Add(%0, %0) is not used by a later step");
        assertMessage("Add(%0)", "Add takes 2 arguments");
        assertMessage("Frobnicate(%0)", "'Frobnicate' is not a fusable op");
        assertMessage("Add(%0, 1)", "'1' is not %N, $N or an f32 literal");
        assertMessage("Add(%0, 0.10000000001)", "is not %N, $N or an f32 literal");
        assertMessage("Where($0, %0, %1)", "Where's condition must be an operand");
        assertMessage("Where(%0, %0, %1)", "operand %0 is used both as a Where condition and as data");
        assertMessage("Add(%1, 2.0)", "operand %0 is not used");
        assertMessage("Pow(%0, %1)", "Pow's exponent must be the literal 2.0 or 3.0");
        assertMessage("Add(%0, 2.0);", "'' is not Name(args)");
    }

    private static void assertMessage(String text, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FusedProgram.parse(text));
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
