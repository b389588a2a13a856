package dev.ppc.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.verify.Verifier;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the IR text parser (docs/fuzzing.md). Any text either parses or is refused with an
 * {@link IrException}; text that parses prints to text that parses back to the same text
 * (constants printed in full, so nothing is elided), and the verifier on it either passes or
 * throws an {@link IrException}. Anything else that escapes, an {@link Error} or a hang is a bug.
 */
class IrParserFuzzTest {
    /** Inputs larger than this are skipped: the parser is linear, so size finds nothing new. */
    private static final int MAX_INPUT_BYTES = 1 << 16;
    private static final IrPrinter FULL = new IrPrinter(Long.MAX_VALUE);

    @FuzzTest
    void parsePrintParse(byte[] input) {
        if (input.length > MAX_INPUT_BYTES) return;
        Module module;
        try {
            module = IrParser.parse(new String(input, StandardCharsets.UTF_8), "fuzz.ppir");
        } catch (IrException userError) {
            return;
        }
        String printed = FULL.printModule(module);
        assertEquals(printed, FULL.printModule(IrParser.parse(printed, "printed.ppir")), "print(parse(print(m))) != print(m)");
        try {
            Verifier.verify(module);
        } catch (IrException userError) {
            // An invalid module is the user's mistake, reported as one.
        }
    }
}
