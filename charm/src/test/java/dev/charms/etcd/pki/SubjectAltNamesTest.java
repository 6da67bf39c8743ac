package dev.charms.etcd.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectAltNamesTest {
    @ParameterizedTest
    @CsvSource({
        "10.0.0.1, 10.0.0.1",
        "255.255.255.255, 255.255.255.255",
        "::1, ::1",
        "0:0:0:0:0:0:0:1, ::1",
        "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "fd00:0:0:0:0:0:0:0, fd00::",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
        "Juju-ABC-0.Lxd, juju-abc-0.lxd",
        "localhost, localhost",
        "' etcd-0 ', etcd-0",
    })
    void canonicalises(String input, String expected) {
        assertEquals(expected, SubjectAltNames.canonical(input));
    }

    @Test
    void tellsIpFromDns() {
        assertTrue(SubjectAltNames.isIpAddress("127.0.0.1"));
        assertTrue(SubjectAltNames.isIpAddress("::1"));
        assertFalse(SubjectAltNames.isIpAddress("localhost"));
        assertFalse(SubjectAltNames.isIpAddress("etcd-1.example.com"));
    }

    @Test
    void normalizeSortsAndRemovesDuplicates() {
        assertEquals(List.of("10.0.0.1", "::1", "localhost"),
                List.copyOf(SubjectAltNames.normalize(Arrays.asList("localhost", "0::1", "10.0.0.1", "LOCALHOST"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*.example.com", "a.*.com"})
    void rejectsWildcards(String san) {
        PkiException e = assertThrows(PkiException.class, () -> SubjectAltNames.normalize(Set.of(san)));
        assertEquals("invalid subject alternative name '" + san + "': wildcards are not allowed", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void rejectsEmptyNames(String san) {
        PkiException e = assertThrows(PkiException.class, () -> SubjectAltNames.canonical(san));
        assertEquals("invalid subject alternative name: empty name", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd/0", "under_score", "-lead", "trail-", "a..b", "trailing.", "10.0.0.256",
        "010.0.0.1", "127.1", "1.2.3", "fe80::1%eth0", "::g", "space name", "sixty-four-chars-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.com"})
    void rejectsMalformedNames(String san) {
        PkiException e = assertThrows(PkiException.class, () -> SubjectAltNames.canonical(san));
        assertTrue(e.getMessage().startsWith("invalid subject alternative name '" + san + "': "), e.getMessage());
    }

    @Test
    void rejectsOverlongDnsNames() {
        String name = String.join(".", java.util.Collections.nCopies(64, "abc"));
        assertThrows(PkiException.class, () -> SubjectAltNames.canonical(name));
    }

    @Test
    void rejectsMissingList() {
        assertEquals("the list of subject alternative names is missing",
                assertThrows(PkiException.class, () -> SubjectAltNames.normalize(null)).getMessage());
    }
}
