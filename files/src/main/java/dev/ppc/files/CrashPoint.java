package dev.ppc.files;

/**
 * The moments of an atomic write at which a crash leaves a distinct state on disk, for tests that
 * kill a real process there. With the system property {@code ppc.files.stopAt=NAME} (a point's
 * {@link #label}), the first write that reaches that point prints the line
 * {@code ppc.files stopped at NAME} to stderr and then blocks forever, so the test can SIGKILL the
 * process exactly there and check that the target holds its previous or its new content, whole.
 * Without the property every point is a no-op.
 */
public enum CrashPoint {
    /** The temp file or directory beside the target exists, empty. */
    TEMP_CREATED("temp-created"),
    /**
     * A directory being assembled holds part of its files. Only the assembler knows what half its
     * content is, so it marks this point itself (the bundle writer does, after the first stage).
     */
    ASSEMBLY_PARTIAL("assembly-partial"),
    /** A temp file holds part of its bytes. */
    DATA_PARTIAL("data-partial"),
    /** The temp is complete and on disk; the target is still the old one. */
    DATA_SYNCED("data-synced"),
    /** Directory replacement: the old target has been renamed aside, and the target name is free. */
    ASIDE_RENAMED("aside-renamed"),
    /** The new content has been renamed to the target. */
    RENAMED("renamed"),
    /** Directory replacement: the new target is in place, the old one still lies aside. */
    BEFORE_ASIDE_DELETE("before-aside-delete");

    /** The system property that names the point to stop at. */
    public static final String PROPERTY = "ppc.files.stopAt";

    /** The name {@code ppc.files.stopAt} takes. */
    public final String label;

    CrashPoint(String label) { this.label = label; }

    /** Whether the property asks to stop here. */
    public boolean armed() { return label.equals(System.getProperty(PROPERTY)); }

    /** Stops the process here for good if the property names this point; returns at once otherwise. */
    public void reach() {
        if (!armed()) return;
        System.err.println("ppc.files stopped at " + label);
        System.err.flush();
        Object forever = new Object();
        synchronized (forever) {
            while (true) {
                try {
                    forever.wait();
                } catch (InterruptedException e) {
                    // Only the test's kill may end this process here.
                }
            }
        }
    }
}
