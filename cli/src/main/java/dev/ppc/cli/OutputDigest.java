package dev.ppc.cli;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.Names;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One line per output: name, type, the sum of its elements and a SHA-256 prefix of its bytes,
 * so two runs can be compared bit for bit at a glance. The name is escaped: a model may name an output
 * with a newline, which would split the line.
 */
final class OutputDigest {
    private OutputDigest() {}

    static String describe(String name, Tensor t) {
        double sum = 0;
        switch (t.dtype()) {
            case F32 -> { for (long i = 0; i < t.numel(); i++) sum += t.getFloat(i); }
            case F64 -> { for (long i = 0; i < t.numel(); i++) sum += t.getDouble(i); }
            case I64 -> { for (long i = 0; i < t.numel(); i++) sum += t.getLong(i); }
            case I32 -> { for (long i = 0; i < t.numel(); i++) sum += t.getInt(i); }
            default -> sum = Double.NaN;
        }
        return String.format("%s %s%s sum=%.6g sha256=%s", Names.printable(name), t.dtype(), Arrays.toString(t.shape()).replace(" ", ""), sum, sha256(t).substring(0, 16));
    }

    static String sha256(Tensor t) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = t.data().duplicate();
            b.clear();
            b.limit((int) t.byteSize());
            md.update(b);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
