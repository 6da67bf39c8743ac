package dev.charms.etcd;

/** Placeholder entry while the skeleton is assembled. */
public final class Main {
    public static void main(String[] args) {
        System.out.println("etcd charm");
    }
}
