package dev.charms.runner.controller;

import dev.charms.runner.model.Charm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The model's charms: stages and checks a charm before it is deployed or refreshed, keeps each revision
 * of an application's charm in its own dir, and brings a unit's charm dir to the application's revision.
 */
final class CharmStore {
    private final ControllerState state;
    /** Each application's newest charm revision (read and change under the lock). */
    private final Map<String, Integer> charmRevisions = new HashMap<>();
    /** The charm revision each unit's charm dir holds ({@code refresh} swaps the new one in at upgrade-charm). */
    private final Map<String, Integer> unitRevisions = new ConcurrentHashMap<>();

    CharmStore(ControllerState state) {
        this.state = state;
    }

    /** A charm unpacked into a staging dir, and what it declares. */
    record StagedCharm(Path dir, Charm charm) {
    }

    /**
     * Checks and unpacks a charm (.charm zip or directory) into a new staging dir of the model and runs
     * {@code check} on it; on any error the staging dir is deleted and nothing else has changed.
     */
    StagedCharm stage(Path charmPath, Consumer<Charm> check) throws IOException {
        CharmUnpacker.check(charmPath);
        Path staging = Files.createTempDirectory(state.paths().dir(), "charm-");
        try {
            CharmUnpacker.unpack(charmPath, staging);
            Charm charm = Charm.load(staging);
            check.accept(charm);
            return new StagedCharm(staging, charm);
        } catch (RuntimeException | IOException e) {
            FileTrees.deleteRecursively(staging);
            throw e;
        }
    }

    /** Keeps a staged charm as revision 0 of a newly deployed application (under the lock); returns its dir. */
    Path keepFirst(Path staging, String app) throws IOException {
        Path dir = keep(staging, app, 0);
        charmRevisions.put(app, 0);
        return dir;
    }

    /** The application's next charm revision, now its newest (under the lock). */
    int nextRevision(String app) {
        return charmRevisions.merge(app, 1, Integer::sum);
    }

    /** The application's newest charm revision. */
    int revision(String app) {
        synchronized (state) {
            return charmRevisions.getOrDefault(app, 0);
        }
    }

    /** Moves a staged charm to {@link #charmDir} (replacing what is there); returns that dir. */
    Path keep(Path staging, String app, int revision) throws IOException {
        Path dir = charmDir(app, revision);
        Files.createDirectories(state.paths().charms());
        FileTrees.deleteRecursively(dir);
        Files.move(staging, dir);
        return dir;
    }

    /** Where the model keeps revision {@code revision} of application {@code app}'s charm. */
    private Path charmDir(String app, int revision) {
        return state.paths().charms().resolve(app + "-" + revision);
    }

    /** A new unit's charm dir holds its application's newest revision (under the lock). */
    void unitDeployed(String unitName, String app) {
        unitRevisions.put(unitName, revision(app));
    }

    /**
     * Before a unit's upgrade-charm hook: when the application has a newer charm revision than the unit's
     * charm dir, the dir is brought to it. Files of the unit's revision are deleted, then the new one is
     * copied in; what the charm wrote there itself (its state, caches) stays.
     */
    void upgradeUnit(UnitAgent agent) throws IOException {
        String app = agent.unit().applicationName();
        int want;
        Path source;
        synchronized (state) {
            want = revision(app);
            source = state.model().requireApplication(app).charmDir();
        }
        int have = unitRevisions.getOrDefault(agent.name(), want);
        if (have == want) {
            return;
        }
        Path charmDir = agent.host().machine().agentDir().resolve("charm");
        Path old = charmDir(app, have);
        if (Files.isDirectory(old)) {
            try (var files = Files.walk(old)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.deleteIfExists(charmDir.resolve(old.relativize(f).toString()));
                }
            }
        }
        CharmUnpacker.unpack(source, charmDir);
        unitRevisions.put(agent.name(), want);
        state.log().log(agent.name(), "INFO", "juju.worker.uniter", "upgraded charm to revision " + want);
    }
}
