import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * etcd's own write throughput and latency under a fixed load, for benchmarks/etcd-perf.sh: CLIENTS
 * connections each put a 256-byte value to one of 10,000 keys in a loop (one request in flight per
 * connection, as etcdctl check perf does) for SECONDS after a 3 s warm-up, then prints
 * "writes_per_s p50_ms p99_ms errors". Runs as a single-file program on the charm jar's jetcd.
 * Usage: java -cp etcd-charm.jar EtcdLoad.java ENDPOINTS CA CERT KEY SECONDS CLIENTS
 */
public final class EtcdLoad {
    public static void main(String[] a) throws Exception {
        String[] endpoints = a[0].split(",");
        SslContext ssl = GrpcSslContexts.forClient().trustManager(new File(a[1]))
                .keyManager(new File(a[2]), new File(a[3])).build();
        int seconds = Integer.parseInt(a[4]);
        int clients = Integer.parseInt(a[5]);
        byte[] value = new byte[256];
        Arrays.fill(value, (byte) 'v');
        ByteSequence v = ByteSequence.from(value);
        List<Client> conns = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            // Spread the connections over the members, as a load balancer would.
            conns.add(Client.builder().endpoints(endpoints[i % endpoints.length]).sslContext(ssl).build());
        }
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        long[][] lat = new long[clients][];
        int[] counts = new int[clients];
        int[] errors = new int[clients];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            final int n = i;
            lat[n] = new long[1 << 20];
            Thread t = new Thread(() -> {
                KV kv = conns.get(n).getKVClient();
                java.util.Random r = new java.util.Random(n);
                while (!stop.get()) {
                    ByteSequence key = ByteSequence.from("perf/" + r.nextInt(10_000), StandardCharsets.UTF_8);
                    long t0 = System.nanoTime();
                    try {
                        kv.put(key, v).get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        if (measuring.get()) {
                            errors[n]++;
                        }
                        continue;
                    }
                    long d = System.nanoTime() - t0;
                    if (measuring.get() && counts[n] < lat[n].length) {
                        lat[n][counts[n]++] = d;
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(3000);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int pos = 0;
        for (int i = 0; i < clients; i++) {
            System.arraycopy(lat[i], 0, all, pos, counts[i]);
            pos += counts[i];
        }
        Arrays.sort(all);
        double rate = total / (elapsed / 1e9);
        double p50 = total == 0 ? 0 : all[(int) (total * 0.50)] / 1e6;
        double p99 = total == 0 ? 0 : all[Math.min(total - 1, (int) (total * 0.99))] / 1e6;
        System.out.printf("%.1f %.2f %.2f %d%n", rate, p50, p99, Arrays.stream(errors).sum());
        conns.forEach(Client::close);
        System.exit(0);
    }
}
