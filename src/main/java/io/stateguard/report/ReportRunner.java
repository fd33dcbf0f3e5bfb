package io.stateguard.report;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Defaults;
import io.stateguard.policy.ObjectRef;
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
import java.util.Set;

/**
 * Evaluates loaded manifests the way the API server would: each object is defaulted, the manifests
 * together form the cluster view, and each StatefulSet and PodDisruptionBudget is admitted as a
 * CREATE by the engine. Other kinds only inform the view.
 */
public final class ReportRunner {

  private static final Set<String> EVALUATED = Set.of("StatefulSet", "PodDisruptionBudget");

  private final PolicyEngine engine;

  public ReportRunner(PolicyEngine engine) {
    this.engine = engine;
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
      Verdict verdict = engine.evaluate(admission, view);
      listener.decided(admission, verdict, Duration.ofNanos(System.nanoTime() - started));
      List<String> checked = engine.rulesFor(admission, view).stream().map(RuleInfo::id).toList();
      results.add(
          new ObjectReport(
              ObjectRef.of(object),
              m.source(),
              verdict.allowed(),
              verdict.findings(),
              checked,
              verdict.exemption()));
    }
    List<RuleInfo> rules = engine.rules().stream().map(Rule::info).toList();
    return new Report(results, loaded.problems(), loaded.skipped(), rules);
  }

  /** A stable id for one manifest: the same file, place and object give the same uid. */
  static String uid(Manifest m) {
    ObjectRef ref = ObjectRef.of(m.object());
    String key =
        m.source().file() + ':' + m.source().line() + ':' + ref.kind() + ':' + ref.qualifiedName();
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
