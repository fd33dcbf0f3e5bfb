package io.stateguard.ledger;

import static io.stateguard.policy.rules.Members.ADMIN;
import static io.stateguard.policy.rules.Members.delete;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.rules.Members;
import io.stateguard.testing.MutableClock;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class DisruptionLedgerIT {

  KubernetesClient client;

  private final PolicyEngine engine = LedgerFixtures.engine();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
  private ExecutorService executor;
  private DisruptionLedger ledger;

  @BeforeEach
  void start() {
    executor = Executors.newFixedThreadPool(4);
    ledger =
        new DisruptionLedger(
            client, LedgerConfig.defaults("stateguard", "replica-a"), clock, executor);
  }

  @AfterEach
  void stop() {
    ledger.close();
    executor.shutdownNow();
  }

  private LedgerDecision decide(DisruptionLedger l, Admission admission) {
    return l.decide(admission, engine, ClusterView.empty()).toCompletableFuture().join();
  }

  private List<Reservation> held(String ns, String set) throws Exception {
    Lease lease =
        client
            .resources(Lease.class)
            .inNamespace("stateguard")
            .withName(LeaseRecord.leaseName(ns, set))
            .get();
    return LeaseRecord.reservations(lease);
  }

  @Test
  void reservesOneDeleteOnceHoweverOftenItIsReviewed() throws Exception {
    // Given a set of 3, all Ready
    List<Pod> pods = LedgerFixtures.createSet(client, "data", "zk", 3);

    // When the API server sends the reviews of one kubectl delete pod zk-1 twice
    LedgerDecision first = decide(ledger, delete("req-1", pods.get(1), ADMIN, false));
    LedgerDecision again = decide(ledger, delete("req-2", pods.get(1), ADMIN, false));

    // Then both are allowed, and the ledger holds zk-1 once, for the first request
    assertThat(first.allowed()).isTrue();
    assertThat(first.outcome()).isEqualTo(LedgerDecision.Outcome.RESERVED);
    assertThat(again.allowed()).isTrue();
    assertThat(again.outcome()).isEqualTo(LedgerDecision.Outcome.ALREADY_RESERVED);
    assertThat(held("data", "zk"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.pod()).isEqualTo("zk-1");
              assertThat(r.podUid()).isEqualTo(pods.get(1).getMetadata().getUid());
              assertThat(r.request()).isEqualTo("req-1");
              assertThat(r.expires()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
            });
    // And another member is now denied: 3 - 1 held leaves 2, a third would leave 1 of 3
    LedgerDecision other = decide(ledger, delete("req-3", pods.get(2), ADMIN, false));
    assertThat(other.allowed()).isFalse();
    assertThat(other.verdict().verdict().violations().get(0).message())
        .startsWith("deleting pod data/zk-2 would leave 1 of 3 members of statefulset data/zk");
  }

  @Test
  void concurrentDeletesInOneProcessNeverAllSeeTheSameCount() {
    // Given a set of 5: quorum 3, so 2 may go
    List<Pod> pods = LedgerFixtures.createSet(client, "data", "kraft", 5);

    // When all five are deleted at once (kubectl delete pods -l app=kraft)
    List<CompletableFuture<LedgerDecision>> all = new ArrayList<>();
    for (int i = 0; i < pods.size(); i++) {
      all.add(
          ledger
              .decide(delete("req-" + i, pods.get(i), ADMIN, false), engine, ClusterView.empty())
              .toCompletableFuture());
    }

    // Then exactly two are allowed
    long allowed =
        all.stream().map(CompletableFuture::join).filter(LedgerDecision::allowed).count();
    assertThat(allowed).isEqualTo(2);
  }

  @Test
  void replicasThatRaceAreDecidedAgainFromAFreshRead() {
    // Given two replicas' ledgers (nothing shared but the API server) and a set of 5
    List<Pod> pods = LedgerFixtures.createSet(client, "data", "etcd", 5);
    ExecutorService otherPool = Executors.newFixedThreadPool(4);
    DisruptionLedger other =
        new DisruptionLedger(
            client, LedgerConfig.defaults("stateguard", "replica-b"), clock, otherPool);
    try {
      // When each replica gets deletes of all five members at once, 20 times over
      int conflicts = 0;
      for (int round = 0; round < 20; round++) {
        client.resources(Lease.class).inNamespace("stateguard").delete();
        List<CompletableFuture<LedgerDecision>> all = new ArrayList<>();
        for (int i = 0; i < pods.size(); i++) {
          for (DisruptionLedger l : List.of(ledger, other)) {
            all.add(
                l.decide(
                        delete("r" + round + "-" + i, pods.get(i), ADMIN, false),
                        engine,
                        ClusterView.empty())
                    .toCompletableFuture());
          }
        }
        List<LedgerDecision> done = all.stream().map(CompletableFuture::join).toList();
        // Then the members allowed to go never exceed the two quorum 3 of 5 can spare
        java.util.Set<Integer> gone = new java.util.TreeSet<>();
        for (int k = 0; k < done.size(); k++) {
          if (done.get(k).allowed()) {
            gone.add(k / 2);
          }
        }
        long members = gone.size();
        assertThat(members).as("round %d", round).isLessThanOrEqualTo(2);
        assertThat(done)
            .allSatisfy(
                d ->
                    assertThat(d.outcome())
                        .isNotIn(
                            LedgerDecision.Outcome.FAILED_CLOSED,
                            LedgerDecision.Outcome.FAILED_OPEN));
        conflicts += done.stream().mapToInt(LedgerDecision::conflicts).sum();
      }
      assertThat(conflicts).as("the replicas did race").isPositive();
    } finally {
      otherPool.shutdownNow();
    }
  }

  @Test
  void dryRunIsAnsweredButReservesNothing() throws Exception {
    List<Pod> pods = LedgerFixtures.createSet(client, "data", "zk", 3);

    LedgerDecision dry = decide(ledger, delete("req-1", pods.get(0), ADMIN, true));

    assertThat(dry.allowed()).isTrue();
    assertThat(dry.outcome()).isEqualTo(LedgerDecision.Outcome.DRY_RUN);
    assertThat(held("data", "zk")).isEmpty();
    // And the budget is untouched: a real delete of another member is allowed
    assertThat(decide(ledger, delete("req-2", pods.get(1), ADMIN, false)).allowed()).isTrue();
  }

  @Test
  void expiryFreesTheBudget() {
    // Given zk-0's delete allowed and held, so zk-1's is denied
    List<Pod> pods = LedgerFixtures.createSet(client, "data", "zk", 3);
    assertThat(decide(ledger, delete("req-1", pods.get(0), ADMIN, false)).allowed()).isTrue();
    assertThat(decide(ledger, delete("req-2", pods.get(1), ADMIN, false)).allowed()).isFalse();

    // When the reservation expires without zk-0 ever going away (the delete failed later on)
    clock.advance(Duration.ofMinutes(2).plusSeconds(1));

    // Then zk-1 may go
    assertThat(decide(ledger, delete("req-3", pods.get(1), ADMIN, false)).allowed()).isTrue();
  }

  @Test
  void aPodObservedGoneAndBackFreesItsReservation() throws Exception {
    // Given zk-0's delete allowed and held
    List<Pod> pods = LedgerFixtures.createSet(client, "data", "zk", 3);
    assertThat(decide(ledger, delete("req-1", pods.get(0), ADMIN, false)).allowed()).isTrue();

    // When zk-0 is deleted and the StatefulSet controller brings it back, Ready, with a new UID
    client.pods().inNamespace("data").withName("zk-0").delete();
    Pod back = Members.pod(Members.set("data", "zk", 3), 0, true);
    back.getMetadata().setUid("zk-0-second-uid");
    client.pods().inNamespace("data").resource(back).create();

    // Then zk-1 may go, and zk-0's old reservation is dropped on that write
    assertThat(decide(ledger, delete("req-2", pods.get(1), ADMIN, false)).allowed()).isTrue();
    assertThat(held("data", "zk")).extracting(Reservation::pod).containsExactly("zk-1");
  }

  @Test
  void aPodThatIsNotReadyIsDeletableWithoutReserving() throws Exception {
    List<Pod> pods = LedgerFixtures.createSet(client, "data", "zk", 3);
    Pod sick = Members.pod(Members.set("data", "zk", 3), 2, false);
    sick.getMetadata().setUid(pods.get(2).getMetadata().getUid());
    client.pods().inNamespace("data").resource(sick).update();

    LedgerDecision d = decide(ledger, delete("req-1", sick, ADMIN, false));

    assertThat(d.allowed()).isTrue();
    assertThat(d.outcome()).isEqualTo(LedgerDecision.Outcome.DECIDED);
    assertThat(held("data", "zk")).isEmpty();
  }

  @Test
  void evictionReadsThePodLive() {
    List<Pod> pods = LedgerFixtures.createSet(client, "data", "zk", 3);
    Admission evict0 = eviction("req-1", "zk-0");
    Admission evict1 = eviction("req-2", "zk-1");

    assertThat(decide(ledger, evict0).allowed()).isTrue();
    LedgerDecision second = decide(ledger, evict1);

    assertThat(second.allowed()).isFalse();
    assertThat(second.verdict().verdict().violations().get(0).message())
        .startsWith("evicting pod data/zk-1 would leave 1 of 3");
    assertThat(pods).hasSize(3);
  }

  @Test
  void podsOfNoStatefulSetAreNotCovered() {
    Pod loose = Members.pod(Members.set("data", "zk", 3), 0, true);
    loose.getMetadata().setOwnerReferences(List.of());

    LedgerDecision d = decide(ledger, delete("req-1", loose, ADMIN, false));

    assertThat(d.outcome()).isEqualTo(LedgerDecision.Outcome.NOT_COVERED);
    assertThat(d.allowed()).isTrue();
  }

  @Test
  void unreachableApiServerDeniesWithAClearMessage() throws Exception {
    // Given a client whose API server is not there
    try (KubernetesClient gone = unreachable()) {
      DisruptionLedger closed =
          new DisruptionLedger(
              gone, LedgerConfig.defaults("stateguard", "replica-a"), clock, executor);
      Pod pod = Members.ready(Members.set("data", "zk", 3)).get(0);

      // When
      LedgerDecision d = decide(closed, delete("req-1", pod, ADMIN, false));

      // Then
      assertThat(d.allowed()).isFalse();
      assertThat(d.outcome()).isEqualTo(LedgerDecision.Outcome.FAILED_CLOSED);
      assertThat(d.verdict().verdict().violations().get(0).message())
          .startsWith(
              "stateguard could not check and record the delete of pod data/zk-0 in its"
                  + " disruption ledger (the API server could not be reached")
          .contains("denied to protect the quorum of its StatefulSet")
          .contains("stateguard.io/break-glass");
    }
  }

  @Test
  void unreachableApiServerAllowsWhenFailingOpen() throws Exception {
    try (KubernetesClient gone = unreachable()) {
      DisruptionLedger open =
          new DisruptionLedger(
              gone,
              LedgerConfig.defaults("stateguard", "replica-a").withFailOpen(true),
              clock,
              executor);
      Pod pod = Members.ready(Members.set("data", "zk", 3)).get(0);

      LedgerDecision d = decide(open, delete("req-1", pod, ADMIN, false));

      assertThat(d.allowed()).isTrue();
      assertThat(d.outcome()).isEqualTo(LedgerDecision.Outcome.FAILED_OPEN);
      assertThat(d.verdict().verdict().warnings().get(0).message())
          .contains("allowed without the quorum check");
    }
  }

  @Test
  void decisionsForOneSetRunOneAtATime() throws Exception {
    // Given a serializer over a pool of 4 threads
    KeyedSerializer serializer = new KeyedSerializer(executor);
    java.util.concurrent.atomic.AtomicInteger inside =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    List<CompletableFuture<Integer>> runs = new ArrayList<>();

    // When 20 tasks of one key are submitted at once
    for (int i = 0; i < 20; i++) {
      int n = i;
      runs.add(
          serializer.submit(
              "data/zk",
              () -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                Thread.onSpinWait();
                inside.decrementAndGet();
                return n;
              }));
    }

    // Then they ran one at a time, in order
    List<Integer> order = runs.stream().map(CompletableFuture::join).toList();
    assertThat(most.get()).isEqualTo(1);
    assertThat(order).isSorted();
    executor.shutdown();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(serializer.busyKeys()).isZero();
  }

  private static Admission eviction(String uid, String pod) {
    return new Admission(
        uid,
        Operation.CREATE,
        "Eviction",
        "eviction",
        "data",
        pod,
        Optional.of(
            new io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder()
                .withNewMetadata()
                .withName(pod)
                .withNamespace("data")
                .endMetadata()
                .build()),
        Optional.empty(),
        Optional.empty(),
        ADMIN,
        false);
  }

  private static KubernetesClient unreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("https://127.0.0.1:" + port)
            .withRequestRetryBackoffLimit(0)
            .withConnectionTimeout(1000)
            .withRequestTimeout(1000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
