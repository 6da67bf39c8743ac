package dev.charms.etcd.backup;

import java.time.Duration;

/**
 * The systemd units of scheduled backups: {@code etcd-backup.timer} elapses every interval and starts
 * {@code etcd-backup.service}, which runs {@link dev.charms.etcd.ScheduledBackup} outside any hook,
 * with the S3 client's jars on its class path.
 */
public final class ScheduleFiles {
    public static final String SERVICE = "etcd-backup.service";
    public static final String TIMER = "etcd-backup.timer";
    /** Where the leader keeps the scheduled run's settings (0600, the provider's credentials included) and its last result. */
    public static final String STATE_DIR = "/var/lib/etcd-backup";

    private ScheduleFiles() {
    }

    /** The service unit: the charm's code on {@code java}, for the charm in {@code charmDir}. */
    public static String service(String java, String charmDir) {
        return "[Unit]\n"
                + "Description=etcd scheduled backup to S3 (etcd charm)\n"
                + "After=etcd.service\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "ExecStart=" + java + " -XX:+UseSerialGC -Xss512k -Dio.netty.transport.noNative=true"
                + " -Dio.netty.handler.ssl.noOpenSsl=true -cp " + charmDir + "/lib/etcd-charm.jar:" + charmDir
                + "/lib/s3/* dev.charms.etcd.ScheduledBackup " + charmDir + "\n";
    }

    /** The timer unit: first elapse one interval after it starts, then every interval. */
    public static String timer(Duration interval) {
        long s = interval.getSeconds();
        return "[Unit]\n"
                + "Description=etcd scheduled backup every " + s + "s (etcd charm)\n"
                + "[Timer]\n"
                + "OnActiveSec=" + s + "s\n"
                + "OnUnitActiveSec=" + s + "s\n"
                + "Unit=" + SERVICE + "\n"
                + "[Install]\n"
                + "WantedBy=timers.target\n";
    }
}
