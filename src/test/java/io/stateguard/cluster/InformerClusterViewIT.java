package io.stateguard.cluster;

import static io.stateguard.cluster.ClusterObjects.headlessService;
import static io.stateguard.cluster.ClusterObjects.pdb;
import static io.stateguard.cluster.ClusterObjects.pod;
import static io.stateguard.cluster.ClusterObjects.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.rules.Rules;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The informer-backed view against the mock API server in CRUD mode: caches fed by creates, updates
 * and deletes made during the test, verdicts that follow them, readiness, and an API server that
 * cannot be reached (at start, later, and a watch that drops), through a TCP proxy the test can
 * cut.
 */
class InformerClusterViewIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NS = "data";

  /** The rules these tests look at, under a policy that enforces or warns each. */
  private static final Set<String> RULE_IDS =
      Set.of("headless-service", "pdb-quorum", "pdb-overlap", "pdb-blocks-maintenance");

  private static final String POLICY =
      """
      apiVersion: stateguard.io/v1
      kind: StatefulPolicy
      metadata:
        name: cluster-test
      spec:
        match:
          namespaces: [data]
        rules:
          headless-service: enforce
          pdb-quorum: enforce
          pdb-overlap: enforce
          pdb-blocks-maintenance: warn
      """;

  private CrudApiServer server;
  private KubernetesClient mock;
  private TcpProxy proxy;
  private KubernetesClient client;
  private InformerClusterView view;
  private PolicyEngine engine;

  @BeforeEach
  void setUp() throws Exception {
    server = new CrudApiServer();
    mock = server.client();
    List<Rule> rules = Rules.all().stream().filter(r -> RULE_IDS.contains(r.id())).toList();
    List<RuleInfo> infos = rules.stream().map(Rule::info).toList();
    engine =
        new PolicyEngine(PolicyLoader.load("cluster-test.yaml", POLICY, infos).policySet(), rules);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (view != null) {
      view.close();
    }
    if (client != null) {
      client.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A client that reaches the mock API server through the proxy, retrying fast. */
  private KubernetesClient clientThroughProxy(boolean up) throws Exception {
    URI mockUrl = URI.create(mock.getConfiguration().getMasterUrl());
    proxy = new TcpProxy(mockUrl.getPort(), up);
    Config config =
        new ConfigBuilder(mock.getConfiguration())
            .withMasterUrl(mockUrl.getScheme() + "://" + mockUrl.getHost() + ":" + proxy.port())
            .withRequestRetryBackoffLimit(0)
            .withRequestRetryBackoffInterval(50)
            .withWatchReconnectInterval(100)
            .withWatchReconnectLimit(-1)
            .withConnectionTimeout(2_000)
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
    return client;
  }

  private InformerClusterView startView(boolean up) throws Exception {
    view =
        InformerClusterView.start(
            clientThroughProxy(up), Clock.systemUTC(), Duration.ofMillis(300));
    return view;
  }

  private void awaitSynced() {
    Await.until("every cache synced", WAIT, () -> view.synced());
  }

  private <T extends HasMetadata> T create(T object) {
    return mock.resource(object).create();
  }

  private Verdict createStatefulSet(StatefulSet set) {
    return engine.evaluate(admission(Operation.CREATE, set, null), view);
  }

  private Verdict admitPdb(Operation operation, PodDisruptionBudget pdb) {
    return engine.evaluate(
        admission(operation, pdb, operation == Operation.UPDATE ? pdb : null), view);
  }

  private static Admission admission(Operation operation, HasMetadata object, HasMetadata old) {
    return new Admission(
        UUID.randomUUID().toString(),
        operation,
        object.getKind(),
        "",
        object.getMetadata().getNamespace(),
        object.getMetadata().getName(),
        Optional.of(object),
        Optional.ofNullable(old),
        Optional.empty(),
        UserInfo.NONE,
        false);
  }

  private static List<String> denying(Verdict verdict) {
    return verdict.violations().stream().map(Finding::rule).toList();
  }

  @Test
  void syncsEveryCacheAndAnswersFromMemory() throws Exception {
    // Given a cluster with a set, its pods, a Deployment's pod, a headless Service, a PDB and a
    // StorageClass
    StatefulSet zk = create(statefulSet(NS, "zk", 3));
    for (int i = 2; i >= 0; i--) {
      create(pod(zk, i, true));
    }
    create(
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(NS)
            .withName("web-7d9c-x2x")
            .addToLabels("app", "web")
            .endMetadata()
            .build());
    create(headlessService(NS, "zk-hs", "zk"));
    create(pdb(NS, "zk-pdb", "zk", 2));
    create(
        new StorageClassBuilder()
            .withNewMetadata()
            .withName("fast")
            .addToAnnotations(Slim.DEFAULT_CLASS, "true")
            .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
            .endMetadata()
            .withProvisioner("ebs.csi.aws.com")
            .withAllowVolumeExpansion(true)
            .build());

    // When the view starts and syncs
    startView(true);
    view.whenSynced().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

    // Then every question is answered from the caches
    assertThat(view.notReady()).isEmpty();
    assertThat(view.statefulSets(NS))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("zk");
    assertThat(view.statefulSets("other")).isEmpty();
    assertThat(view.service(NS, "zk-hs"))
        .get()
        .extracting(s -> s.getSpec().getClusterIP())
        .isEqualTo("None");
    assertThat(view.podDisruptionBudgets(NS)).hasSize(1);
    assertThat(view.storageClass("fast").orElseThrow().getAllowVolumeExpansion()).isTrue();
    assertThat(view.storageClassesKnown()).isTrue();
    assertThat(view.pods(NS, "zk"))
        .as("the set's pods by ordinal; the Deployment's pod is never cached")
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("zk-0", "zk-1", "zk-2");
    // And the caches hold slim copies: no managedFields, no foreign annotations, no container spec
    StatefulSet cached = view.statefulSets(NS).get(0);
    assertThat(cached.getMetadata().getManagedFields()).isEmpty();
    assertThat(cached.getMetadata().getAnnotations()).isEmpty();
    assertThat(cached.getSpec().getReplicas()).isEqualTo(3);
    assertThat(cached.getSpec().getTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getImage()).isEqualTo("registry.example/zookeeper:3.9.2");
              assertThat(c.getEnv()).isEmpty();
              assertThat(c.getReadinessProbe()).isNull();
            });
    Pod cachedPod = view.pods(NS, "zk").get(0);
    assertThat(cachedPod.getMetadata().getManagedFields()).isEmpty();
    assertThat(cachedPod.getMetadata().getAnnotations()).isEmpty();
    assertThat(cachedPod.getSpec()).isNull();
    assertThat(Slim.owningStatefulSet(cachedPod)).isEqualTo("zk");
    assertThat(cachedPod.getStatus().getContainerStatuses()).isEmpty();
    assertThat(cachedPod.getStatus().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
    assertThat(view.storageClass("fast").orElseThrow().getMetadata().getAnnotations())
        .containsOnlyKeys(Slim.DEFAULT_CLASS);
  }

  @Test
  void aDeletedServiceDeniesTheNextStatefulSetCreate() throws Exception {
    // Given a synced view of a namespace whose headless Service exists
    create(headlessService(NS, "zk-hs", "zk"));
    startView(true);
    awaitSynced();
    StatefulSet zk = statefulSet(NS, "zk", 3);
    assertThat(denying(createStatefulSet(zk))).as("while the Service exists").isEmpty();

    // When the Service is deleted in the cluster
    mock.services().inNamespace(NS).withName("zk-hs").delete();
    Await.until("the deletion reaches the cache", WAIT, () -> view.service(NS, "zk-hs").isEmpty());

    // Then the next CREATE of the set is denied by headless-service
    Verdict verdict = createStatefulSet(zk);
    assertThat(denying(verdict)).containsExactly("headless-service");
    assertThat(verdict.violations().get(0).message())
        .contains("names service data/zk-hs in spec.serviceName, but no such service exists");
  }

  @Test
  void scalingAStatefulSetChangesThePdbVerdict() throws Exception {
    // Given a quorum set of 3 and a budget of minAvailable 2 (quorum of 3 is 2: fine)
    create(statefulSet(NS, "zk", 3));
    startView(true);
    awaitSynced();
    PodDisruptionBudget budget = pdb(NS, "zk-pdb", "zk", 2);
    assertThat(denying(admitPdb(Operation.CREATE, budget))).isEmpty();

    // When the set is scaled to 5 in the cluster
    mock.apps().statefulSets().inNamespace(NS).withName("zk").scale(5);
    Await.until(
        "the new replica count reaches the cache",
        WAIT,
        () -> view.statefulSets(NS).get(0).getSpec().getReplicas() == 5);

    // Then the same budget is below the new quorum of 3
    Verdict verdict = admitPdb(Operation.UPDATE, budget);
    assertThat(denying(verdict)).containsExactly("pdb-quorum");
    assertThat(verdict.violations().get(0).message())
        .contains("allows 3 of 5 members of statefulset data/zk down")
        .contains("quorum needs 3 up");
  }

  @Test
  void isNotReadyWhileTheApiServerCannotBeReachedAtStart() throws Exception {
    create(statefulSet(NS, "zk", 3));
    try (LogCapture log = new LogCapture(Feed.class)) {
      // Given an API server that refuses connections
      // When the view starts
      startView(false);

      // Then it is not ready, names every cache and why, and logs which server failed how
      Await.until(
          "a failure noted for every cache",
          WAIT,
          () -> view.caches().stream().allMatch(c -> c.problem().isPresent()));
      assertThat(view.synced()).isFalse();
      assertThat(view.notReady())
          .get()
          .asString()
          .startsWith("not synced from " + view.server() + ": ")
          .contains(
              "statefulsets (",
              "poddisruptionbudgets (",
              "services (",
              "storageclasses (",
              "pods (")
          .containsIgnoringCase("connect");
      assertThat(log.lines())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .startsWith(
                          "WARN cannot list statefulsets from the API server " + view.server())
                      .containsIgnoringCase("connect")
                      .contains("not ready until the first list succeeds, retrying"));

      // And once the server can be reached, it syncs and is ready
      proxy.up();
      awaitSynced();
      assertThat(view.notReady()).isEmpty();
      assertThat(view.statefulSets(NS)).hasSize(1);
      Await.until(
          "every cache current",
          WAIT,
          () -> view.caches().stream().allMatch(c -> c.stale().isZero()));
    }
  }

  @Test
  void keepsAnsweringFromTheCacheWhileTheApiServerIsGoneAndCatchesUpAfter() throws Exception {
    // Given a synced view: the Service of zk exists, the budget of 2 fits 3 replicas
    StatefulSet zk = create(statefulSet(NS, "zk", 3));
    create(headlessService(NS, "zk-hs", "zk"));
    create(pod(zk, 0, true));
    startView(true);
    awaitSynced();
    PodDisruptionBudget budget = pdb(NS, "zk-pdb", "zk", 2);
    try (LogCapture log = new LogCapture(Feed.class)) {

      // When the API server becomes unreachable, and the cluster changes meanwhile
      proxy.down();
      // (The probe of the API server tells: a watch that lost its connection still reports itself
      // as watching while it tries to reconnect.)
      Await.until(
          "every cache noticed that the API server is gone",
          WAIT,
          () -> view.caches().stream().noneMatch(c -> c.stale().isZero()));
      mock.services().inNamespace(NS).withName("zk-hs").delete();
      mock.apps().statefulSets().inNamespace(NS).withName("zk").scale(5);
      create(pod(zk, 1, true));

      // Then verdicts still come from the cached state
      assertThat(denying(createStatefulSet(statefulSet(NS, "zk", 3))))
          .as("the cached Service still exists")
          .isEmpty();
      assertThat(denying(admitPdb(Operation.CREATE, budget))).isEmpty();
      assertThat(view.synced()).as("synced once: still ready").isTrue();
      assertThat(view.notReady()).isEmpty();
      // And the staleness shows, and is logged
      Await.until(
          "staleness past the warning threshold",
          WAIT,
          () -> view.caches().stream().allMatch(c -> c.stale().toMillis() >= 300));
      Await.until(
          "a warning about the stale caches",
          WAIT,
          () ->
              log.lines().stream()
                  .anyMatch(l -> l.startsWith("WARN the cache of services is stale")));

      // When the API server is back
      proxy.up();

      // Then nothing that happened meanwhile is lost
      Await.until(
          "the deletion made during the outage reaches the cache",
          WAIT,
          () -> view.service(NS, "zk-hs").isEmpty());
      Await.until(
          "the scale made during the outage reaches the cache",
          WAIT,
          () -> view.statefulSets(NS).get(0).getSpec().getReplicas() == 5);
      Await.until("the new pod reaches the cache", WAIT, () -> view.pods(NS, "zk").size() == 2);
      Await.until(
          "every cache current again",
          WAIT,
          () -> view.caches().stream().allMatch(c -> c.stale().isZero()));
      assertThat(denying(createStatefulSet(statefulSet(NS, "zk", 3))))
          .containsExactly("headless-service");
      assertThat(denying(admitPdb(Operation.CREATE, budget))).containsExactly("pdb-quorum");
    }
  }

  @Test
  void aDroppedWatchReconnectsAndKeepsReceivingEvents() throws Exception {
    // Given a synced view
    StatefulSet zk = create(statefulSet(NS, "zk", 3));
    startView(true);
    awaitSynced();

    // When every connection drops (the server stays reachable)
    proxy.dropConnections();

    // Then the watches reconnect: changes made after the drop arrive, deletions too. (A real API
    // server replays what changed before a watch reconnected from the watch's resource version;
    // the mock ignores the resource version and sends the objects that exist as ADDED, which
    // misses a deletion made between a list or a drop and the watch that follows. So the test
    // changes nothing until the PDB watch has delivered a marker and every cache is current, with
    // no relist pending. A gap long enough to notice is an outage, after which the view relists:
    // see the test above.)
    List<String> markers = new ArrayList<>();
    boolean reconnected = false;
    for (int marker = 0; marker < 50 && !reconnected; marker++) {
      String name = "marker-" + marker;
      create(pdb(NS, name, "none", 1));
      markers.add(name);
      reconnected =
          Await.within(
              Duration.ofSeconds(1),
              () ->
                  view.podDisruptionBudgets(NS).stream()
                          .anyMatch(p -> p.getMetadata().getName().equals(name))
                      && view.caches().stream().allMatch(c -> c.stale().isZero()));
    }
    assertThat(reconnected).as("the PDB watch reconnected and delivered a marker").isTrue();
    create(pdb(NS, "pdb-0", "zk", 2));
    create(pdb(NS, "pdb-1", "zk", 2));
    create(pod(zk, 0, true));
    for (String name : markers) {
      mock.policy().v1().podDisruptionBudget().inNamespace(NS).withName(name).delete();
    }
    mock.policy().v1().podDisruptionBudget().inNamespace(NS).withName("pdb-0").delete();
    Await.until(
        "pdb-1 only: the creations and the deletions after the drop",
        WAIT,
        () ->
            view.podDisruptionBudgets(NS).stream()
                .map(p -> p.getMetadata().getName())
                .toList()
                .equals(List.of("pdb-1")));
    Await.until("the pod created after the drop", WAIT, () -> view.pods(NS, "zk").size() == 1);
    Await.until(
        "every cache current again",
        WAIT,
        () -> view.caches().stream().allMatch(c -> c.stale().isZero()));
  }

  @Test
  void badInputIsCachedAndJudgedWithoutCrashing() throws Exception {
    // Given a set without a selector or template labels, a set with pods, an ownerless pod, a
    // budget that selects nothing and one whose selector the API server would never accept
    StatefulSet zk = create(statefulSet(NS, "zk", 3));
    create(
        new StatefulSetBuilder()
            .withNewMetadata()
            .withNamespace(NS)
            .withName("bare")
            .endMetadata()
            .withNewSpec()
            .withReplicas(1)
            .endSpec()
            .build());
    create(
        new PodBuilder(pod(zk, 0, true))
            .editMetadata()
            .withName("orphan-0")
            .withOwnerReferences(List.of())
            .endMetadata()
            .build());
    create(pod(zk, 1, false));
    PodDisruptionBudget none = pdb(NS, "nothing-pdb", "no-such-app", 1);
    PodDisruptionBudget malformed =
        new PodDisruptionBudgetBuilder(pdb(NS, "malformed-pdb", "zk", 2))
            .editSpec()
            .editSelector()
            .addNewMatchExpression()
            .withKey(ClusterObjects.APP)
            .withOperator("Bogus")
            .endMatchExpression()
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("In")
            .endMatchExpression()
            .endSelector()
            .endSpec()
            .build();
    create(none);
    create(malformed);
    startView(true);
    awaitSynced();

    // Then the caches hold them all
    assertThat(view.statefulSets(NS))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("zk", "bare");
    assertThat(view.pods(NS, "zk"))
        .as("the ownerless pod belongs to no set")
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("zk-1");
    assertThat(view.podDisruptionBudgets(NS)).hasSize(2);

    // And the budget that selects nothing is allowed, with nothing to say about quorum
    Verdict nothing = admitPdb(Operation.CREATE, none);
    assertThat(nothing.allowed()).isTrue();
    assertThat(nothing.violations()).isEmpty();
    // And the malformed selector selects nothing rather than failing the request
    Verdict bad = admitPdb(Operation.CREATE, malformed);
    assertThat(bad.allowed()).isTrue();
    assertThat(bad.violations()).isEmpty();
    // And a set without a selector is judged like any other
    Verdict bare = createStatefulSet(view.statefulSets(NS).get(1));
    assertThat(denying(bare)).containsExactly("headless-service");
  }
}
