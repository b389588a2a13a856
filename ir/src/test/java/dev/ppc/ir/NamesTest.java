package dev.ppc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void ordinaryNamesAreKeptAsTheyAre() {
        String name = "/h.0/attn/MatMul_output_0 héllo \\ \"q\"";
        assertSame(name, Names.printable(name));
    }

    @Test
    void controlCharactersAreEscaped() {
        assertEquals("in\\nput\\0x\\t\\r", Names.printable("in\nput\0x\t\r"));
        assertEquals("bell\\u0007 esc\\u001b[31m del\\u007f nel\\u0085", Names.printable("bell\u0007 esc\u001b[31m del\u007f nel\u0085"));
    }

    @Test
    void lineSeparatorsAndBidiControlsAreEscaped() {
        assertEquals("a\\u2028b\\u2029c\\u202ed\\u2067e", Names.printable("a\u2028b\u2029c\u202ed\u2067e"));
    }

    @Test
    void escapingTwiceChangesNothing() {
        String once = Names.printable("x\0\n\u0007\u202e");
        assertEquals(once, Names.printable(once));
    }

    @Test
    void nullPrintsAsNull() {
        assertEquals("null", Names.printable(null));
    }
}
