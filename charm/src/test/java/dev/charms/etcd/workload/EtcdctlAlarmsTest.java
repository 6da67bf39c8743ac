package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code etcdctl alarm list -w json} as etcd 3.4.23 prints it. */
class EtcdctlAlarmsTest {
    @Test
    void aNoSpaceAlarmIsRead() {
        assertEquals(List.of(new Alarm(Long.parseUnsignedLong("13458989633860879742"), "NOSPACE")),
                EtcdctlAlarms.parse("{\"alarms\":[{\"memberID\":13458989633860879742,\"alarm\":1}]}"));
    }

    @Test
    void noAlarmAndUnknownAlarms() {
        assertEquals(List.of(), EtcdctlAlarms.parse("{\"header\":{\"cluster_id\":1,\"member_id\":2,\"revision\":3,\"raft_term\":4}}"));
        assertEquals(List.of(new Alarm(7, "CORRUPT"), new Alarm(8, "ALARM9")),
                EtcdctlAlarms.parse("{\"alarms\":[{\"memberID\":7,\"alarm\":2},{\"memberID\":8,\"alarm\":9}]}"));
    }
}
