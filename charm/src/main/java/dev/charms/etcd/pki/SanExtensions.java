package dev.charms.etcd.pki;

import java.util.SortedSet;
import java.util.TreeSet;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** Converts canonical SAN strings (see {@link SubjectAltNames}) to and from BouncyCastle general names. */
final class SanExtensions {
    private SanExtensions() {
    }

    /** IP SANs become iPAddress entries, all others dNSName entries. */
    static GeneralNames toGeneralNames(SortedSet<String> canonicalSans) {
        GeneralName[] names = canonicalSans.stream()
                .map(san -> SubjectAltNames.isIpAddress(san)
                        ? new GeneralName(GeneralName.iPAddress, new DEROctetString(SubjectAltNames.addressBytes(san)))
                        : new GeneralName(GeneralName.dNSName, san))
                .toArray(GeneralName[]::new);
        return new GeneralNames(names);
    }

    /**
     * The canonical SAN strings in {@code names}.
     *
     * @throws PkiException if a name is neither an IP address nor a DNS name, or is invalid
     */
    static SortedSet<String> fromGeneralNames(GeneralNames names, String what) {
        SortedSet<String> result = new TreeSet<>();
        for (GeneralName name : names.getNames()) {
            switch (name.getTagNo()) {
                case GeneralName.dNSName ->
                        result.add(SubjectAltNames.canonical(((ASN1String) name.getName()).getString()));
                case GeneralName.iPAddress -> result.add(SubjectAltNames.canonicalIp(
                        ASN1OctetString.getInstance(name.getName()).getOctets()));
                default -> throw new PkiException(what + " contains an unsupported subject alternative name type "
                        + name.getTagNo() + " (only DNS names and IP addresses are allowed)");
            }
        }
        return result;
    }
}
