package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Finds and kills the host processes that live in a given mount or network namespace. */
final class NamespaceProcesses {
    private NamespaceProcesses() {
    }

    /** The namespace inode behind a bind-mounted namespace file, if it is still mounted. */
    static OptionalLong inodeOf(Path nsFile) {
        try {
            Object ino = Files.getAttribute(nsFile, "unix:ino");
            String fsType = Files.getFileStore(nsFile).type();
            if (!"nsfs".equals(fsType)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(((Number) ino).longValue());
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** Pids whose {@code /proc/<pid>/ns/<type>} is the namespace with inode {@code inode}. */
    static List<Long> pidsIn(String type, long inode) {
        String wanted = type + ":[" + inode + "]";
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                try {
                    if (wanted.equals(Files.readSymbolicLink(dir.resolve("ns").resolve(type)).toString())) {
                        pids.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException e) {
                    // the process exited while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    /** SIGKILLs every process in the namespaces until none is left; fails after 10 s. */
    static void killAll(List<String> types, List<Long> inodes) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < types.size(); i++) {
                pids.addAll(pidsIn(types.get(i), inodes.get(i)));
            }
            if (pids.isEmpty()) {
                return;
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("processes are still alive in the unit's namespaces after SIGKILL");
    }
}
