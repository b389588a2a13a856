package dev.ppc.backend.io;

import dev.ppc.backend.Tensor;
import dev.ppc.files.AtomicFile;
import dev.ppc.ir.Names;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip file with one {@code .npy} entry per array,
 * as written by {@code np.savez} (entries stored) and {@code np.savez_compressed} (deflated).
 *
 * <p>Keys are the entry names without the {@code .npy} suffix, in the order of the archive's
 * central directory, which is the order the arrays were saved in; the returned map keeps that
 * order, since model inputs and outputs are listed positionally elsewhere.
 */
public final class Npz {
    private static final String SUFFIX = ".npy";

    private Npz() {}

    /**
     * Reads every array of the archive at {@code file}, keyed by name, in archive order. Every
     * entry is read to its end and must have the size and CRC-32 that the archive's central
     * directory declares, and hold nothing after its array, so a corrupt archive is refused
     * instead of yielding wrong numbers.
     */
    public static LinkedHashMap<String, Tensor> read(Path file) {
        String source = file.toString();
        Npy.requireRegularFile(file, ".npz");
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        // ZipFile reads the central directory, so it copes with entries that carry data
        // descriptors and Zip64 extras (NumPy writes both), unlike a streaming reader.
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) continue;
                String name = e.getName();
                String key = name.endsWith(SUFFIX)
                        ? name.substring(0, name.length() - SUFFIX.length()) : name;
                String entrySource = source + " entry '" + Names.printable(name) + "'";
                if (out.containsKey(key)) {
                    throw new NpyFormatException(entrySource + ": duplicate key '"
                            + Names.printable(key) + "'");
                }
                // The count sits above the buffer, so it is what Npy consumed, not what was
                // read ahead.
                try (VerifiedEntry in = new VerifiedEntry(
                        new BufferedInputStream(zip.getInputStream(e), 1 << 16))) {
                    Tensor t = Npy.read(in, entrySource);
                    in.verify(e, entrySource);
                    out.put(key, t);
                } catch (ZipException ze) {
                    throw new NpyFormatException(entrySource + ": corrupt archive entry ("
                            + ze.getMessage() + ")", ze);
                }
            }
        } catch (NoSuchFileException e) {
            throw new NpyFormatException(source + ": no such file", e);
        } catch (ZipException e) {
            throw new NpyFormatException(source + ": not a valid .npz (zip) archive ("
                    + e.getMessage() + "); is it truncated?", e);
        } catch (IOException e) {
            if (!Files.exists(file)) throw new NpyFormatException(source + ": no such file", e);
            throw new NpyFormatException(source + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * An archive entry's data stream that counts and checksums what is read through it.
     * {@link ZipFile} checks neither a stored entry's CRC nor any entry's size, so this does.
     */
    private static final class VerifiedEntry extends FilterInputStream {
        private final CRC32 crc = new CRC32();
        private long count;

        VerifiedEntry(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                crc.update(b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes must be checksummed too; read them instead.
            long done = 0;
            byte[] buf = new byte[8192];
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) break;
                done += r;
            }
            return done;
        }

        /**
         * Called once the array has been read: anything left in the entry is data the array
         * does not account for; then the size and CRC must be the ones the archive declares.
         */
        void verify(ZipEntry e, String entrySource) throws IOException {
            long arrayBytes = count;
            byte[] buf = new byte[8192];
            while (read(buf, 0, buf.length) >= 0) {
                // Drain: the rest of the entry still counts towards its size and CRC.
            }
            if (e.getSize() >= 0 && count != e.getSize()) {
                throw new NpyFormatException(entrySource + ": the entry holds " + count
                        + " bytes but the archive declares " + e.getSize()
                        + "; the archive is corrupt");
            }
            if (e.getCrc() >= 0 && crc.getValue() != e.getCrc()) {
                throw new NpyFormatException(entrySource + String.format(": CRC-32 mismatch"
                        + " (the data has %08x, the archive declares %08x); the archive is"
                        + " corrupt", crc.getValue(), e.getCrc()));
            }
            if (count != arrayBytes) {
                throw new NpyFormatException(entrySource + ": " + (count - arrayBytes)
                        + " bytes follow the array's data; the entry is corrupt");
            }
        }
    }

    /**
     * Writes {@code tensors} to {@code file} in map order, each as entry {@code key + ".npy"},
     * replacing the file atomically ({@link AtomicFile}): it holds its previous content or the
     * whole new archive, never a part. A failure (a full disk) is an
     * {@link dev.ppc.files.OutputFileException} naming the file.
     *
     * @param compress deflate the entries (as {@code np.savez_compressed}) instead of storing them
     */
    public static void write(Path file, Map<String, Tensor> tensors, boolean compress) {
        AtomicFile.write(file, out -> write(out, tensors, compress, file.toString()));
    }

    /** Writes the archive to {@code out}, which is finished but not closed. */
    public static void write(OutputStream out, Map<String, Tensor> tensors, boolean compress,
                             String source) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, Tensor> kv : tensors.entrySet()) {
            String key = kv.getKey();
            if (key == null || key.isEmpty()) {
                throw new NpyFormatException(source + ": array names must be non-empty");
            }
            Tensor t = kv.getValue();
            String entrySource = source + " entry '" + key + SUFFIX + "'";
            byte[] header = Npy.header(t, entrySource);
            ZipEntry e = new ZipEntry(key + SUFFIX);
            if (compress) {
                e.setMethod(ZipEntry.DEFLATED);
            } else {
                // A stored entry must announce its size and CRC before its data.
                CRC32 crc = new CRC32();
                crc.update(header);
                crc.update(t.data().duplicate());
                e.setMethod(ZipEntry.STORED);
                e.setSize(header.length + t.byteSize());
                e.setCompressedSize(header.length + t.byteSize());
                e.setCrc(crc.getValue());
            }
            zip.putNextEntry(e);
            zip.write(header);
            writeBuffer(zip, t.data());
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    private static void writeBuffer(OutputStream out, ByteBuffer data) throws IOException {
        ByteBuffer src = data.duplicate();
        byte[] chunk = new byte[Math.min(1 << 16, Math.max(src.remaining(), 1))];
        while (src.hasRemaining()) {
            int n = Math.min(chunk.length, src.remaining());
            src.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }
}
