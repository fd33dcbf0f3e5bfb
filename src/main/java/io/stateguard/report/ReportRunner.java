package io.stateguard.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Decision;
import io.stateguard.policy.Defaults;
import io.stateguard.policy.Mutated;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Patch;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Evaluates loaded manifests the way the API server would: each object is defaulted, the manifests
 * together form the cluster view, and each StatefulSet and PodDisruptionBudget is admitted as a
 * CREATE by the engine: mutated first, then validated as mutated (or, without mutation, validated
 * as written). Other kinds only inform the view.
 */
public final class ReportRunner {

  private static final Set<String> EVALUATED = Set.of("StatefulSet", "PodDisruptionBudget");

  private static final ObjectMapper COPIER = new ObjectMapper();

  private final PolicyEngine engine;
  private final boolean mutate;

  /** A runner that mutates before it validates, as the API server does. */
  public ReportRunner(PolicyEngine engine) {
    this(engine, true);
  }

  /**
   * @param mutate false to validate each manifest as written, without the engine's mutations
   */
  public ReportRunner(PolicyEngine engine, boolean mutate) {
    this.engine = engine;
    this.mutate = mutate;
  }

  /** Told of each decision as the runner makes it: what a report's audit stream records. */
  @FunctionalInterface
  public interface DecisionListener {
    /**
     * @param admission the admission of one manifest
     * @param verdict the decision on it
     * @param took how long the decision took
     */
    void decided(Admission admission, Verdict verdict, Duration took);
  }

  public Report run(Loaded loaded) {
    return run(loaded, (admission, verdict, took) -> {});
  }

  /** As {@link #run(Loaded)}, telling {@code listener} of each decision. */
  public Report run(Loaded loaded, DecisionListener listener) {
    return run(loaded, listener, null);
  }

  /**
   * As {@link #run(Loaded, DecisionListener)}, and hands {@code patched} each manifest a mutation
   * changed, as it was written plus what the mutations add (without the API server's defaults);
   * null for none.
   */
  public Report run(Loaded loaded, DecisionListener listener, Consumer<PatchedManifest> patched) {
    boolean keepManifests = mutate && patched != null;
    List<HasMetadata> objects = new ArrayList<>();
    for (Manifest m : loaded.manifests()) {
      objects.add(Defaults.apply(m.object()));
    }
    ClusterView view = ManifestClusterView.of(objects);
    List<ObjectReport> results = new ArrayList<>();
    for (Manifest m : loaded.manifests()) {
      HasMetadata object = m.object();
      if (!EVALUATED.contains(object.getKind())) {
        continue;
      }
      Admission admission = Admission.ofManifest(uid(m), object);
      long started = System.nanoTime();
      Verdict verdict;
      Mutated mutated;
      if (mutate) {
        Decision decision = engine.decide(admission, view);
        verdict = decision.verdict();
        mutated = decision.mutation();
      } else {
        verdict = engine.evaluate(admission, view);
        mutated = Mutated.none(object);
      }
      listener.decided(admission, verdict, Duration.ofNanos(System.nanoTime() - started));
      Admission validated = mutated.changed() ? admission.withObject(mutated.object()) : admission;
      List<RuleInfo> checked = engine.rulesFor(validated, view);
      results.add(
          new ObjectReport(
              ObjectRef.of(object),
              m.source(),
              verdict.allowed(),
              verdict.findings(),
              checked.stream().map(RuleInfo::id).toList(),
              verdict.exemption(),
              mutated.applied(),
              mutated.patch(),
              RulePolicies.of(validated.subject(), checked, engine.policies(), view)));
      if (keepManifests && mutated.changed()) {
        patched.accept(
            new PatchedManifest(
                ObjectRef.of(object), m.source(), asWritten(m, view), mutated.applied()));
      }
    }
    List<RuleInfo> rules = engine.rules().stream().map(Rule::info).toList();
    return new Report(results, loaded.problems(), loaded.skipped(), rules);
  }

  /**
   * Evaluates objects read from a live cluster, in audit mode: each object as stored (the mutations
   * are not applied: what the cluster holds is what is judged), admitted as a CREATE against {@code
   * view}, the cluster it was read from. Nothing is denied, since the objects are stored already:
   * every {@link ObjectReport#allowed()} is true, and each finding keeps the mode its policy gives
   * the rule, so its severity says what admission would do with it. An object's location is its
   * name ({@code statefulset data/zk}), from {@link SourceLocation#of(ObjectRef)}.
   *
   * @param objects the StatefulSets and PodDisruptionBudgets to evaluate; other kinds are passed
   *     over
   * @param view the cluster they were read from
   */
  public Report audit(
      List<? extends HasMetadata> objects, ClusterView view, DecisionListener listener) {
    List<ObjectReport> results = new ArrayList<>();
    for (HasMetadata object : objects) {
      if (!EVALUATED.contains(object.getKind())) {
        continue;
      }
      ObjectRef ref = ObjectRef.of(object);
      Admission admission = Admission.ofManifest(liveUid(object), object);
      long started = System.nanoTime();
      Verdict verdict = engine.evaluate(admission, view);
      listener.decided(admission, verdict, Duration.ofNanos(System.nanoTime() - started));
      List<RuleInfo> checked = engine.rulesFor(admission, view);
      results.add(
          new ObjectReport(
              ref,
              SourceLocation.of(ref),
              true,
              verdict.findings(),
              checked.stream().map(RuleInfo::id).toList(),
              verdict.exemption(),
              List.of(),
              Patch.EMPTY,
              RulePolicies.of(object, checked, engine.policies(), view)));
    }
    List<RuleInfo> rules = engine.rules().stream().map(Rule::info).toList();
    return new Report(results, List.of(), Map.of(), rules);
  }

  /**
   * A stable id for one version of a live object: the same object, unchanged, gives the same uid in
   * every run, as a manifest does.
   */
  static String liveUid(HasMetadata object) {
    ObjectRef ref = ObjectRef.of(object);
    String uid = object.getMetadata().getUid();
    String version = object.getMetadata().getResourceVersion();
    return hash(
        "cluster:"
            + ref.kind()
            + ':'
            + ref.qualifiedName()
            + ':'
            + (uid == null ? "" : uid)
            + ':'
            + (version == null ? "" : version));
  }

  /** A stable id for one manifest: the same file, place and object give the same uid. */
  static String uid(Manifest m) {
    ObjectRef ref = ObjectRef.of(m.object());
    return hash(
        m.source().file() + ':' + m.source().line() + ':' + ref.kind() + ':' + ref.qualifiedName());
  }

  private static String hash(String key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /**
   * The manifest as written (in the report's namespace when it names none), with what the mutations
   * add. The mutations decide on a manifest as on the defaulted object (an absent field reads as
   * its API default), so they add here what the patch adds to the defaulted object. A manifest
   * whose written form was not kept gives the mutated object, defaults included.
   */
  private HasMetadata asWritten(Manifest m, ClusterView view) {
    HasMetadata object = m.object();
    if (m.written().isEmpty()) {
      return engine.mutate(Admission.ofManifest(uid(m), object), view).object();
    }
    HasMetadata written;
    try {
      written = COPIER.treeToValue(m.written().get(), object.getClass());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a manifest that was read does not read again", e);
    }
    if (written.getMetadata().getNamespace() == null
        || written.getMetadata().getNamespace().isEmpty()) {
      written.getMetadata().setNamespace(object.getMetadata().getNamespace());
    }
    return engine.mutate(Admission.ofManifest(uid(m), written), view).object();
  }
}
