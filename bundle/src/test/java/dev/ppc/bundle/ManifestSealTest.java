package dev.ppc.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestSealTest {
    private static final String JSON = "{\n  \"format\" : \"ppc-bundle\",\n  \"files\" : [ ]\n}\n";
    private static final String MISMATCH = "manifest_sha256 does not match the file's contents (the manifest was modified after compile)";

    private static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    @Test
    void theSealIsTheLastFieldAndTheDigestOfTheFileWithZerosInItsPlace() {
        byte[] sealed = ManifestSeal.seal(JSON.getBytes(StandardCharsets.UTF_8));
        String digest = text(sealed).replaceAll("(?s).*\"manifest_sha256\" : \"([0-9a-f]{64})\".*", "$1");
        assertEquals("{\n  \"format\" : \"ppc-bundle\",\n  \"files\" : [ ],\n  \"manifest_sha256\" : \"" + digest + "\"\n}\n", text(sealed));
        String zeroed = text(sealed).replace(digest, "0".repeat(64));
        assertEquals(BundleFiles.sha256(zeroed.getBytes(StandardCharsets.UTF_8)), digest);
        assertNull(ManifestSeal.problem(sealed));
        assertArrayEquals(sealed, ManifestSeal.seal(JSON.getBytes(StandardCharsets.UTF_8)), "sealing is deterministic");
    }

    @Test
    void anyChangedByteBreaksTheSeal() {
        byte[] sealed = ManifestSeal.seal(JSON.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < sealed.length; i++) {
            byte[] edited = sealed.clone();
            edited[i] ^= 0x01;
            String problem = ManifestSeal.problem(edited);
            assertTrue(problem != null, "byte " + i + " changed and the seal still holds");
        }
        // Whitespace counts too: the check is on the bytes, not on the JSON they mean.
        assertEquals(MISMATCH, ManifestSeal.problem(text(sealed).replace("\"format\" :", "\"format\":").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMissingOrMisplacedSealIsNoSeal() {
        assertTrue(ManifestSeal.problem(JSON.getBytes(StandardCharsets.UTF_8)).startsWith("has no seal: its last field must be \"manifest_sha256\""));
        String sealed = text(ManifestSeal.seal(JSON.getBytes(StandardCharsets.UTF_8)));
        String nested = sealed.replace("\n}\n", "\n  }\n}\n").replace("\"files\" : [ ],", "\"files\" : [ ], \"x\" : {");
        assertTrue(ManifestSeal.problem(nested.getBytes(StandardCharsets.UTF_8)).startsWith("has no seal"), nested);
        String upper = sealed.replaceAll("\"([0-9a-f]{64})\"", "\"" + "A".repeat(64) + "\"");
        assertTrue(ManifestSeal.problem(upper.getBytes(StandardCharsets.UTF_8)).startsWith("has no seal"), upper);
    }
}
