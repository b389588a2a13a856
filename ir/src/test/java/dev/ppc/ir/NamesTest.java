package dev.ppc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void plainNamesAreReturnedAsTheyAre() {
        String name = "core-0/program.ppir \\ /h.0/attn/MatMul_output_0 é";
        assertSame(name, Names.printable(name));
    }

    @Test
    void controlCharactersAreEscaped() {
        assertEquals("a\\nb\\rc\\td", Names.printable("a\nb\rc\td"));
        assertEquals("nul\\u0000 esc\\u001b[31m del\\u007f c1\\u0085 ls\\u2028", Names.printable("nul\0 esc\u001b[31m del\u007f c1\u0085 ls\u2028"));
        assertEquals("null", Names.printable(null));
    }
}
