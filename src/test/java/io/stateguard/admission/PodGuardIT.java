package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stateguard.ledger.LedgerFixtures;
import io.stateguard.policy.Rule;
import io.stateguard.policy.rules.Rules;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quorum guard end to end: three independent webhook replicas (each its own Vert.x, its own
 * API-server client, its own ledger threads) in front of one mock API server in CRUD mode, sent the
 * Pod DELETE reviews a real API server sends, over HTTPS.
 */
@EnableKubernetesMockClient(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodGuardIT {

  static KubernetesClient client;

  @TempDir static Path dir;

  private final List<Webhook> replicas = new ArrayList<>();
  private final List<HttpsClient> clients = new ArrayList<>();
  private final List<KubernetesClient> replicaClients = new ArrayList<>();
  private ExecutorService senders;
  private List<Pod> kraft;

  @BeforeAll
  void start() throws Exception {
    TestTls.install(1, dir);
    List<Rule> rules =
        Rules.all().stream()
            .filter(
                r ->
                    r.id().equals("quorum-guard") || r.id().equals("statefulset-delete-protection"))
            .toList();
    for (int i = 0; i < 3; i++) {
      KubernetesClient own =
          new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
      replicaClients.add(own);
      Path audit = dir.resolve("audit-" + i + ".jsonl");
      ServeConfig config =
          ServeConfig.from(
                  Map.of(
                      "STATEGUARD_HOST", "127.0.0.1",
                      "STATEGUARD_PORT", "0",
                      "STATEGUARD_AUDIT_FILE", audit.toString(),
                      "STATEGUARD_INSTANCES", "1",
                      "STATEGUARD_SHUTDOWN_GRACE", "1s",
                      "POD_NAMESPACE", "stateguard",
                      "HOSTNAME", "stateguard-" + i))
              .withCertificateFiles(dir.resolve("tls.crt"), dir.resolve("tls.key"));
      Webhook w =
          Webhook.start(
              config,
              GuardReviews.policies(),
              rules,
              List.of(),
              io.stateguard.policy.ClusterView.empty(),
              Optional.of(own),
              OutputStream.nullOutputStream());
      replicas.add(w);
      clients.add(new HttpsClient(w.port()));
    }
    senders = Executors.newFixedThreadPool(10);
    kraft = LedgerFixtures.createSet(client, "data", "kraft", 5);
  }

  @AfterAll
  void stop() throws Exception {
    if (senders != null) {
      senders.shutdownNow();
    }
    for (HttpsClient c : clients) {
      c.close();
    }
    for (Webhook w : replicas) {
      w.close();
    }
    replicaClients.forEach(KubernetesClient::close);
  }

  @BeforeEach
  void resetLedger() {
    client.resources(Lease.class).inNamespace("stateguard").delete();
  }

  private JsonNode send(int replica, byte[] review) throws Exception {
    HttpsClient.Reply reply = clients.get(replica).review("/validate?timeout=5s", review);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return GuardReviews.response(reply.body());
  }

  private List<Map<String, String>> reservations() throws Exception {
    List<Map<String, String>> all = new ArrayList<>();
    for (Lease lease : client.resources(Lease.class).inNamespace("stateguard").list().getItems()) {
      String json = lease.getMetadata().getAnnotations().get("stateguard.io/reservations");
      for (JsonNode r : new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)) {
        Map<String, String> m = new HashMap<>();
        r.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        all.add(m);
      }
    }
    return all;
  }

  @Test
  void threeReplicasNeverAllowMoreDeletesThanTheQuorumSpares() throws Exception {
    // Given a KRaft controller set of 5 (quorum 3: 2 may go) and three replicas
    Random random = new Random(20261121L);
    int rounds = 200;
    int conflicts = 0;
    for (int round = 0; round < rounds; round++) {
      resetLedger();
      // When every member is deleted at once, each review to a replica picked at random, one
      // member's review sent twice (the API server's repeated review), in shuffled order with
      // shuffled delays
      List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, random.nextInt(5)));
      Collections.shuffle(order, random);
      List<Future<Map.Entry<Integer, JsonNode>>> answers = new ArrayList<>();
      for (int k = 0; k < order.size(); k++) {
        int member = order.get(k);
        int replica = random.nextInt(3);
        long delayMicros = random.nextInt(3000);
        String uid = "r" + round + "-" + k;
        Callable<Map.Entry<Integer, JsonNode>> call =
            () -> {
              TimeUnit.MICROSECONDS.sleep(delayMicros);
              return Map.entry(
                  member, send(replica, GuardReviews.delete(uid, kraft.get(member), false)));
            };
        answers.add(senders.submit(call));
      }
      Set<Integer> allowed = new HashSet<>();
      for (Future<Map.Entry<Integer, JsonNode>> f : answers) {
        Map.Entry<Integer, JsonNode> answer = f.get(30, TimeUnit.SECONDS);
        if (answer.getValue().path("allowed").asBoolean()) {
          allowed.add(answer.getKey());
        } else {
          assertThat(answer.getValue().at("/status/message").asText())
              .as("round %d: a denial is the guard's, not a failure to decide", round)
              .contains("quorum needs 3");
        }
      }
      // Then no more than n - quorum(n) = 2 members may go, in every round
      assertThat(allowed).as("round %d: members allowed to go", round).hasSizeLessThanOrEqualTo(2);
      assertThat(allowed).as("round %d: the guard makes progress", round).isNotEmpty();
      // And the ledger holds each allowed member once
      List<Map<String, String>> held = reservations();
      assertThat(held).extracting(m -> m.get("podUid")).doesNotHaveDuplicates();
      assertThat(held).hasSize(allowed.size());
    }
    for (Webhook w : replicas) {
      conflicts += (int) w.registry().get("stateguard_ledger_conflicts_total").counter().count();
    }
    assertThat(conflicts).as("the replicas raced for the same Lease").isPositive();
  }

  @Test
  void repeatedReviewsOfOneDeleteReserveOnce() throws Exception {
    Pod pod = kraft.get(1);

    JsonNode first = send(0, GuardReviews.delete("a-1", pod, false));
    JsonNode again = send(1, GuardReviews.delete("a-2", pod, false));

    assertThat(first.path("allowed").asBoolean()).isTrue();
    assertThat(again.path("allowed").asBoolean()).isTrue();
    assertThat(reservations())
        .singleElement()
        .satisfies(r -> assertThat(r.get("request")).isEqualTo("a-1"));
  }

  @Test
  void theFinalReviewIsAllowedAndReservesNothing() throws Exception {
    // Given the first two members' deletes allowed: no budget left
    send(0, GuardReviews.delete("b-1", kraft.get(0), false));
    send(1, GuardReviews.delete("b-2", kraft.get(1), false));
    // When the API server's final review of another member's delete arrives (deletionTimestamp)
    Pod terminating = kraft.get(2);
    terminating =
        new io.fabric8.kubernetes.api.model.PodBuilder(terminating)
            .editMetadata()
            .withDeletionTimestamp("2026-11-21T04:57:27Z")
            .withDeletionGracePeriodSeconds(0L)
            .endMetadata()
            .build();

    JsonNode last = send(2, GuardReviews.delete("b-3", terminating, false));

    // Then
    assertThat(last.path("allowed").asBoolean()).isTrue();
    assertThat(reservations()).hasSize(2);
  }

  @Test
  void dryRunReservesNothing() throws Exception {
    JsonNode dry = send(0, GuardReviews.delete("c-1", kraft.get(3), true));

    assertThat(dry.path("allowed").asBoolean()).isTrue();
    assertThat(reservations()).isEmpty();
  }

  @Test
  void breakGlassIsAllowedAndMarked() throws Exception {
    // Given no budget left
    send(0, GuardReviews.delete("d-1", kraft.get(0), false));
    send(0, GuardReviews.delete("d-2", kraft.get(1), false));
    double before =
        replicas.get(1).registry().get("stateguard_break_glass_total").counter().count();

    // When someone in the break-glass group deletes a third member
    JsonNode answer =
        send(1, GuardReviews.delete("d-3", kraft.get(2), false, "alice", List.of("sre-oncall")));

    // Then it is allowed, counted as break-glass, and recorded as such in the audit event
    assertThat(answer.path("allowed").asBoolean()).isTrue();
    assertThat(replicas.get(1).registry().get("stateguard_break_glass_total").counter().count())
        .isEqualTo(before + 1);
    assertThat(reservations()).hasSize(2);
    Path audit = dir.resolve("audit-1.jsonl");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(audit) && Files.readString(audit).contains("\"d-3\""))
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    String event =
        Files.readAllLines(audit).stream()
            .filter(l -> l.contains("\"d-3\""))
            .findFirst()
            .orElseThrow();
    assertThat(event).contains("break-glass (group sre-oncall)").contains("\"breakGlass\":true");
  }

  @Test
  void exemptControllersPass() throws Exception {
    send(0, GuardReviews.delete("e-1", kraft.get(0), false));
    send(0, GuardReviews.delete("e-2", kraft.get(1), false));

    JsonNode answer =
        send(
            2,
            GuardReviews.delete(
                "e-3",
                kraft.get(2),
                false,
                "system:serviceaccount:kube-system:statefulset-controller",
                List.of("system:serviceaccounts")));

    assertThat(answer.path("allowed").asBoolean()).isTrue();
    assertThat(reservations()).hasSize(2);
  }

  @Test
  void evictionsAreGuardedToo() throws Exception {
    send(0, GuardReviews.eviction("f-1", "data", "kraft-0"));
    send(1, GuardReviews.eviction("f-2", "data", "kraft-1"));

    JsonNode third = send(2, GuardReviews.eviction("f-3", "data", "kraft-2"));

    assertThat(third.path("allowed").asBoolean()).isFalse();
    assertThat(third.at("/status/message").asText())
        .contains("evicting pod data/kraft-2 would leave 2 of 5 members of statefulset data/kraft");
  }

  @Test
  void statefulSetDeleteIsDeniedUnlessConfirmedOrOrphaning() throws Exception {
    // The real API server's review of kubectl delete sts web (whenDeleted: Delete)
    com.fasterxml.jackson.databind.node.ObjectNode plain =
        ApiServerFixtures.tree("statefulset-delete.json");
    com.fasterxml.jackson.databind.node.ObjectNode confirmed = plain.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            confirmed.at("/request/oldObject/metadata/annotations"))
        .put("stateguard.io/allow-delete", "decommissioned");
    com.fasterxml.jackson.databind.node.ObjectNode orphan = plain.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) orphan.at("/request/oldObject/spec"))
        .remove("persistentVolumeClaimRetentionPolicy");
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            orphan.at("/request/oldObject/metadata/labels"))
        .put("stateguard.io/class", "quorum");
    com.fasterxml.jackson.databind.node.ObjectNode cascading = orphan.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) orphan.at("/request/options"))
        .put("propagationPolicy", "Orphan");

    JsonNode denied = send(0, ApiServerFixtures.bytes(plain));
    JsonNode allowed = send(1, ApiServerFixtures.bytes(confirmed));
    JsonNode orphaned = send(2, ApiServerFixtures.bytes(orphan));
    JsonNode cascaded = send(2, ApiServerFixtures.bytes(cascading));

    assertThat(denied.path("allowed").asBoolean()).isFalse();
    assertThat(denied.at("/status/message").asText())
        .contains("deleting statefulset demo/web would stop all 5 of its members");
    assertThat(allowed.path("allowed").asBoolean()).isTrue();
    assertThat(orphaned.path("allowed").asBoolean()).as("orphaning a quorum set").isTrue();
    assertThat(cascaded.path("allowed").asBoolean()).as("the same set, cascading").isFalse();
  }
}
