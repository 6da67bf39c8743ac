package dev.charms.etcd.workload;

/** What a finished command printed, and its exit code. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    /** Whether it exited 0. */
    public boolean ok() {
        return exitCode == 0;
    }
}
