package io.stateguard.cluster.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stateguard.cluster.ClusterObjects;
import io.stateguard.cluster.InformerClusterView;
import io.stateguard.cluster.KubeClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory and sync time of the informer caches over a large cluster, each side in its own JVM:
 *
 * <ol>
 *   <li>{@code server}: the mock API server (CRUD mode, lists paged like a real API server: {@link
 *       PagingCrudDispatcher}), filled with StatefulSets, their PDBs and their pods as a cluster
 *       holds them (managedFields, kubectl and Helm annotations, full pod specs and statuses:
 *       {@link ClusterObjects}), created through its dispatcher;
 *   <li>{@code informers}: {@link InformerClusterView} on that server, timed until every cache has
 *       synced; then its resident set size, and its heap after a full collection;
 *   <li>without a mode: runs both, the informers JVM with the flags given after {@code --}.
 * </ol>
 *
 * <p>Usage: {@code ClusterBenchmark [SETS] [PODS_PER_SET] [NAMESPACES] -- [JVM flags of the
 * informers]}. Not a test: {@code .ci/bench-cluster} runs it.
 */
public final class ClusterBenchmark {

  private static final PrintStream OUT = System.out;

  /** How long after the sync and a full collection the resident set is read again. */
  private static final Duration SETTLE = Duration.ofSeconds(12);

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      server(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    } else if (args.length > 0 && args[0].equals("informers")) {
      informers(args[1], Integer.parseInt(args[2]));
    } else {
      orchestrate(args);
    }
  }

  private static String namespace(int i) {
    return "team-" + i;
  }

  /**
   * Starts the server, fills it, prints its address, and serves until its input closes. The objects
   * are created through the dispatcher's own create path (what a POST runs, minus HTTPS): through
   * the mock's endpoint, 70,000 creates take half an hour on a busy 2-core machine.
   */
  private static void server(int sets, int podsPerSet, int namespaces) throws Exception {
    // The mock logs every request it answers; the informers' lists would fill the terminal.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    PagingCrudDispatcher dispatcher = new PagingCrudDispatcher();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, true);
    server.init();
    long start = System.nanoTime();
    AtomicLong created = new AtomicLong();
    dispatcher.filling(true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> work = new ArrayList<>();
    for (int s = 0; s < sets; s++) {
      int set = s;
      work.add(
          pool.submit(
              () -> {
                String ns = namespace(set % namespaces);
                String name = "db-" + set;
                StatefulSet sts = ClusterObjects.statefulSet(ns, name, podsPerSet);
                create(dispatcher, "/apis/apps/v1/namespaces/" + ns + "/statefulsets", sts);
                create(
                    dispatcher,
                    "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets",
                    ClusterObjects.pdb(ns, name + "-pdb", name, podsPerSet / 2 + 1));
                for (int p = 0; p < podsPerSet; p++) {
                  create(
                      dispatcher,
                      "/api/v1/namespaces/" + ns + "/pods",
                      ClusterObjects.pod(sts, p, true));
                }
                created.addAndGet(2 + podsPerSet);
                return null;
              }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    dispatcher.filling(false);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    OUT.println("created " + created.get() + " objects in " + ms + " ms");
    OUT.println("url " + server.url("/"));
    OUT.flush();
    // Serve until the benchmark closes our input.
    while (System.in.read() >= 0) {
      // nothing to read
    }
    server.destroy();
  }

  private static void create(PagingCrudDispatcher dispatcher, String path, HasMetadata object) {
    byte[] body = Serialization.asJson(object).getBytes(StandardCharsets.UTF_8);
    MockResponse response =
        dispatcher.dispatch(
            new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.POST,
                path,
                Headers.builder().add("Content-Type", "application/json").build(),
                new Buffer(body)));
    if (response.code() != 201 && response.code() != 200) {
      throw new IllegalStateException(
          "creating " + object.getMetadata().getName() + " answered " + response.code());
    }
  }

  /** Syncs the informer view on {@code url}, then prints the time, the RSS and the heap. */
  private static void informers(String url, int namespaces) throws Exception {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url)
            .withTrustCerts(true)
            .withRequestTimeout(120_000)
            .build();
    try (KubernetesClient client = KubeClients.client(config)) {
      long start = System.nanoTime();
      try (InformerClusterView view = InformerClusterView.start(client)) {
        view.whenSynced().get(15, TimeUnit.MINUTES);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long sets = 0;
        long budgets = 0;
        long pods = 0;
        for (int i = 0; i < namespaces; i++) {
          List<StatefulSet> inNs = view.statefulSets(namespace(i));
          sets += inNs.size();
          budgets += view.podDisruptionBudgets(namespace(i)).size();
          for (StatefulSet s : inNs) {
            pods += view.pods(namespace(i), s.getMetadata().getName()).size();
          }
        }
        long rssSynced = rssKib();
        for (int i = 0; i < 3; i++) {
          System.gc();
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        OUT.println(
            "synced "
                + sets
                + " statefulsets, "
                + budgets
                + " poddisruptionbudgets, "
                + pods
                + " pods in "
                + ms
                + " ms");
        OUT.println("rss after sync: " + rssSynced / 1024 + " MiB");
        OUT.println("rss after full gc: " + rssKib() / 1024 + " MiB");
        OUT.println(
            "heap used after full gc: "
                + heap.getUsed() / (1024 * 1024)
                + " MiB (committed "
                + heap.getCommitted() / (1024 * 1024)
                + " MiB, max "
                + heap.getMax() / (1024 * 1024)
                + " MiB); non-heap used "
                + nonHeap.getUsed() / (1024 * 1024)
                + " MiB");
        // A webhook runs for days: what it holds once the JVM has given back the native memory
        // the sync used and freed (with -XX:TrimNativeHeapInterval, every few seconds).
        Thread.sleep(SETTLE.toMillis());
        OUT.println(
            "rss " + SETTLE.toSeconds() + " s after the full gc: " + rssKib() / 1024 + " MiB");
        OUT.println("jvm flags: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        OUT.flush();
        // To look inside (jmap -histo:live PID) before the caches are closed.
        Thread.sleep(Long.getLong("bench.holdSeconds", 0L) * 1000);
      }
    }
  }

  private static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static void orchestrate(String[] args) throws Exception {
    List<String> ours = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    boolean jvm = false;
    for (String a : args) {
      if (a.equals("--")) {
        jvm = true;
      } else if (jvm) {
        flags.add(a);
      } else {
        ours.add(a);
      }
    }
    int sets = ours.size() > 0 ? Integer.parseInt(ours.get(0)) : 10_000;
    int podsPerSet = ours.size() > 1 ? Integer.parseInt(ours.get(1)) : 5;
    int namespaces = ours.size() > 2 ? Integer.parseInt(ours.get(2)) : 500;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");

    List<String> serverCommand =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx6g",
                "-cp",
                classPath,
                ClusterBenchmark.class.getName(),
                "server",
                Integer.toString(sets),
                Integer.toString(podsPerSet),
                Integer.toString(namespaces)));
    OUT.println(
        "filling the mock API server: "
            + sets
            + " statefulsets and pdbs, "
            + sets * podsPerSet
            + " pods in "
            + namespaces
            + " namespaces");
    Process server =
        new ProcessBuilder(serverCommand).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String url = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        OUT.println("server: " + line);
        if (line.startsWith("url ")) {
          url = line.substring(4);
          break;
        }
      }
      if (url == null) {
        throw new IllegalStateException("the server ended before it gave its address");
      }
      List<String> informers = new ArrayList<>();
      informers.add(java);
      informers.addAll(flags);
      informers.addAll(
          List.of(
              "-cp",
              classPath,
              ClusterBenchmark.class.getName(),
              "informers",
              url,
              Integer.toString(namespaces)));
      OUT.println("informers: " + String.join(" ", flags));
      Process view =
          new ProcessBuilder(informers)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.INHERIT)
              .start();
      int exit = view.waitFor();
      if (exit != 0) {
        throw new IllegalStateException("the informers JVM failed with exit code " + exit);
      }
    } finally {
      server.getOutputStream().close();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }
}
