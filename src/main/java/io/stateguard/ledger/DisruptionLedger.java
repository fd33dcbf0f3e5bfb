package io.stateguard.ledger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.DisruptionVerdict;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PodDisruption;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides pod deletes and evictions of StatefulSet members so that concurrent ones never all see
 * the same ready count, within one process and across webhook replicas.
 *
 * <p>Within one process the decisions for one StatefulSet run one at a time ({@link
 * KeyedSerializer}); across replicas the record of allowed disruptions is one Lease per set in
 * stateguard's own namespace ({@link LeaseRecord}), written with its resourceVersion as a
 * precondition. A decision reads the set, its pods and the Lease live from the API server, decides
 * with the policy core, and, when the delete takes a member away, writes the reservation; a write
 * that loses the race (409) is decided again from a fresh read, within the time budget. A decision
 * that cannot be made or recorded is a denial that says why (or an allowance, when configured to
 * fail open). Reads are live rather than from an informer cache so that the ready count is never
 * older than the reservations it is combined with (docs/adr/0008).
 *
 * <p>Threading: {@link #decide} returns at once; the work runs on the executor given, which may
 * block (fabric8's blocking calls). Never call it expecting the result on the calling thread.
 */
public final class DisruptionLedger {

  private static final Logger LOGGER = LoggerFactory.getLogger(DisruptionLedger.class);

  private final KubernetesClient client;
  private final LedgerConfig config;
  private final Clock clock;
  private final KeyedSerializer serializer;
  private final Executor executor;
  private final ExecutorService reads;

  public DisruptionLedger(
      KubernetesClient client, LedgerConfig config, Clock clock, Executor executor) {
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.executor = executor;
    this.serializer = new KeyedSerializer(executor);
    // Reads that run beside a decision's own (the Lease, while the decision reads the set). Not
    // the decisions' executor: a decision waiting on a task queued behind decisions could stall.
    AtomicInteger ids = new AtomicInteger();
    this.reads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "stateguard-ledger-read-" + ids.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Stops the ledger's own read threads; decisions in progress finish their reads first. */
  public void close() {
    reads.shutdown();
  }

  private static <T> T joinRead(CompletableFuture<T> read) {
    try {
      return read.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  public LedgerConfig config() {
    return config;
  }

  /** Whether the ledger decides {@code admission}: a Pod DELETE or a pods/eviction CREATE. */
  public static boolean covers(Admission admission) {
    if (admission.operation() == Operation.DELETE
        && "Pod".equals(admission.kind())
        && admission.subResource().isEmpty()) {
      return true;
    }
    return admission.operation() == Operation.CREATE && "eviction".equals(admission.subResource());
  }

  /**
   * Decides a Pod DELETE or pods/eviction CREATE with {@code engine}, holding the member in the
   * ledger when an allowed delete takes it away (never on a dry run). Completes within the
   * configured budget; never completes exceptionally.
   */
  public CompletionStage<LedgerDecision> decide(
      Admission admission, PolicyEngine engine, ClusterView view) {
    long deadline = System.nanoTime() + config.budget().toNanos();
    Optional<Pod> requested =
        admission.oldObject().filter(Pod.class::isInstance).map(Pod.class::cast);
    boolean eviction = "eviction".equals(admission.subResource());
    if (!eviction && requested.isEmpty()) {
      return CompletableFuture.completedFuture(notCovered());
    }
    if (requested.isPresent() && PodDisruption.owningStatefulSet(requested.get()).isEmpty()) {
      return CompletableFuture.completedFuture(notCovered());
    }
    String namespace = admission.namespace();
    CompletableFuture<LedgerDecision> decision;
    if (requested.isPresent()) {
      Pod pod = requested.get();
      String set = PodDisruption.owningStatefulSet(pod).orElseThrow();
      decision = serialized(admission, engine, view, pod, namespace, set, eviction, deadline);
    } else {
      // An Eviction names the pod only: read it, then decide in its set's turn.
      decision =
          CompletableFuture.supplyAsync(() -> readPod(namespace, admission.name()), executor)
              .thenCompose(
                  pod -> {
                    if (pod.isEmpty() || PodDisruption.owningStatefulSet(pod.get()).isEmpty()) {
                      return CompletableFuture.completedFuture(notCovered());
                    }
                    String set = PodDisruption.owningStatefulSet(pod.get()).orElseThrow();
                    return serialized(
                        admission, engine, view, pod.get(), namespace, set, true, deadline);
                  });
    }
    long left = Math.max(1, deadline - System.nanoTime());
    return decision
        .orTimeout(left, TimeUnit.NANOSECONDS)
        .exceptionally(e -> failed(admission, ObjectRef.of(admission.subject()), cause(e), 0));
  }

  private CompletableFuture<LedgerDecision> serialized(
      Admission admission,
      PolicyEngine engine,
      ClusterView view,
      Pod pod,
      String namespace,
      String set,
      boolean eviction,
      long deadline) {
    return serializer.submit(
        namespace + "/" + set,
        () -> decideInTurn(admission, engine, view, pod, namespace, set, eviction, deadline));
  }

  /** One decision, in its set's turn: read, decide, record; again after a lost race. */
  private LedgerDecision decideInTurn(
      Admission admission,
      PolicyEngine engine,
      ClusterView view,
      Pod pod,
      String namespace,
      String setName,
      boolean eviction,
      long deadline) {
    int conflicts = 0;
    ObjectRef podRef = ObjectRef.of(pod);
    try {
      for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
        if (System.nanoTime() > deadline) {
          throw new LedgerException(
              "no decision within "
                  + config.budget().toMillis()
                  + " ms ("
                  + conflicts
                  + " conflicting writes by other replicas)");
        }
        // The Lease is read before the pods, never after: a pod list older than the Lease could
        // show a member that a later writer saw gone and released (force-deleted in between),
        // and count it as standing. A Lease older than the pods is safe: what it misses makes
        // the write conflict. The set is read alongside the Lease.
        String leaseName = LeaseRecord.leaseName(namespace, setName);
        CompletableFuture<Lease> leaseRead =
            CompletableFuture.supplyAsync(
                () ->
                    client
                        .resources(Lease.class)
                        .inNamespace(config.namespace())
                        .withName(leaseName)
                        .get(),
                reads);
        StatefulSet set;
        Lease lease;
        try {
          set = client.apps().statefulSets().inNamespace(namespace).withName(setName).get();
        } finally {
          lease = joinRead(leaseRead);
        }
        if (set == null) {
          return notCovered();
        }
        List<Pod> members = members(namespace, set);
        Instant now = clock.instant();
        List<Reservation> held = live(LeaseRecord.reservations(lease), members, now);
        Set<String> reserved = new HashSet<>();
        held.forEach(r -> reserved.add(r.podUid()));
        DisruptionVerdict verdict =
            engine.evaluateDisruption(
                admission, new PodDisruption(pod, set, members, reserved, eviction), view);
        if (!verdict.covered()) {
          return new LedgerDecision(verdict, LedgerDecision.Outcome.NOT_COVERED, conflicts, "");
        }
        if (!verdict.reserve()) {
          return new LedgerDecision(verdict, LedgerDecision.Outcome.DECIDED, conflicts, "");
        }
        String uid = PodDisruption.uid(pod);
        if (reserved.contains(uid)) {
          return new LedgerDecision(
              verdict, LedgerDecision.Outcome.ALREADY_RESERVED, conflicts, "");
        }
        if (admission.dryRun()) {
          return new LedgerDecision(verdict, LedgerDecision.Outcome.DRY_RUN, conflicts, "");
        }
        if (held.size() >= config.maxReservations()) {
          throw new LedgerException(
              "the ledger of statefulset "
                  + namespace
                  + "/"
                  + setName
                  + " already holds "
                  + held.size()
                  + " reservations, its limit");
        }
        List<Reservation> next = new ArrayList<>(held);
        next.add(
            new Reservation(
                pod.getMetadata().getName(), uid, admission.uid(), now.plus(config.ttl())));
        if (System.nanoTime() > deadline) {
          continue;
        }
        if (write(lease, namespace, setName, next, now)) {
          LOGGER
              .atDebug()
              .addKeyValue("uid", admission.uid())
              .addKeyValue("pod", podRef.qualifiedName())
              .addKeyValue("conflicts", conflicts)
              .log("reserved a disruption of {}", podRef.qualifiedName());
          return new LedgerDecision(verdict, LedgerDecision.Outcome.RESERVED, conflicts, "");
        }
        conflicts++;
      }
      throw new LedgerException(
          "another replica changed the ledger of statefulset "
              + namespace
              + "/"
              + setName
              + " on each of "
              + config.maxAttempts()
              + " attempts");
    } catch (LedgerException e) {
      return failed(admission, podRef, e, conflicts);
    } catch (KubernetesClientException e) {
      return failed(admission, podRef, apiProblem(e), conflicts);
    } catch (RuntimeException e) {
      return failed(admission, podRef, new LedgerException(String.valueOf(e), e), conflicts);
    }
  }

  /**
   * Writes the Lease: creates it when there was none, else updates it against the resourceVersion
   * read. False when another writer got there first (409): the caller reads and decides again.
   */
  private boolean write(
      Lease lease, String namespace, String set, List<Reservation> next, Instant now) {
    Lease updated =
        LeaseRecord.with(lease, config.namespace(), namespace, set, config.replica(), next, now);
    var leases = client.resources(Lease.class).inNamespace(config.namespace());
    try {
      if (lease == null) {
        leases.resource(updated).create();
      } else {
        leases.resource(updated).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /** The pods of {@code set}, by its label selector, read live. */
  private List<Pod> members(String namespace, StatefulSet set) {
    var selector = set.getSpec() == null ? null : set.getSpec().getSelector();
    var pods = client.pods().inNamespace(namespace);
    List<Pod> all =
        selector == null ? List.of() : pods.withLabelSelector(selector).list().getItems();
    // Only the set's own pods (by their controller reference): another workload's pods may
    // match a loose selector. Pods without a controller are orphans the set will adopt.
    String name = set.getMetadata().getName();
    return all.stream()
        .filter(
            p ->
                PodDisruption.owningStatefulSet(p).map(name::equals).orElse(true)
                    && (p.getMetadata().getOwnerReferences() == null
                        || p.getMetadata().getOwnerReferences().stream()
                            .noneMatch(
                                o ->
                                    Boolean.TRUE.equals(o.getController())
                                        && !"StatefulSet".equals(o.getKind()))))
        .toList();
  }

  /**
   * The reservations still in force: not expired, and their pod (that incarnation of it, by UID)
   * still exists. A pod that is gone has left the count by itself, and its replacement is a new
   * member that counts once it is Ready.
   */
  static List<Reservation> live(List<Reservation> held, List<Pod> members, Instant now) {
    Set<String> present = new HashSet<>();
    members.forEach(p -> present.add(PodDisruption.uid(p)));
    return held.stream()
        .filter(r -> r.liveAt(now))
        .filter(r -> present.contains(r.podUid()))
        .toList();
  }

  private Optional<Pod> readPod(String namespace, String name) {
    return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get());
  }

  private static LedgerDecision notCovered() {
    return new LedgerDecision(
        DisruptionVerdict.notCovered(), LedgerDecision.Outcome.NOT_COVERED, 0, "");
  }

  /**
   * The answer when no decision could be made or recorded: a denial that says why (fail closed), or
   * with {@code failOpen} an allowance carrying the same finding as a warning.
   */
  private LedgerDecision failed(
      Admission admission, ObjectRef pod, Throwable problem, int conflicts) {
    String verb = "eviction".equals(admission.subResource()) ? "evict" : "delete";
    String why = problem.getMessage() == null ? problem.toString() : problem.getMessage();
    String message =
        "stateguard could not check and record the "
            + verb
            + " of pod "
            + pod.qualifiedName()
            + " in its disruption ledger ("
            + why
            + "); "
            + (config.failOpen()
                ? "allowed without the quorum check (the ledger fails open)"
                : "denied to protect the quorum of its StatefulSet: retry in a moment, or set"
                    + " stateguard.io/break-glass on the pod with a reason if the API server"
                    + " stays unreachable for stateguard");
    Mode mode = config.failOpen() ? Mode.WARN : Mode.ENFORCE;
    Finding finding = new Finding("quorum-guard", mode, message, "", pod, "");
    LOGGER
        .atWarn()
        .addKeyValue("uid", admission.uid())
        .addKeyValue("pod", pod.qualifiedName())
        .addKeyValue("failOpen", config.failOpen())
        .log("disruption ledger unavailable: {}", why);
    return new LedgerDecision(
        new DisruptionVerdict(Verdict.of(List.of(finding)), false, Optional.empty(), true),
        config.failOpen()
            ? LedgerDecision.Outcome.FAILED_OPEN
            : LedgerDecision.Outcome.FAILED_CLOSED,
        conflicts,
        why);
  }

  private static LedgerException apiProblem(KubernetesClientException e) {
    String what =
        e.getCode() > 0
            ? "the API server answered " + e.getCode() + ": " + e.getMessage()
            : "the API server could not be reached: " + rootMessage(e);
    return new LedgerException(what, e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private Throwable cause(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof TimeoutException) {
      return new LedgerException("no decision within " + config.budget().toMillis() + " ms", t);
    }
    if (t instanceof KubernetesClientException k) {
      return apiProblem(k);
    }
    return t;
  }
}
