package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code StatefulPolicy}: which workloads it matches, how it classifies workloads, the mode and
 * parameters of each rule and each mutation it configures, and who is exempt. Loaded and validated
 * by the {@code config} package; plain data here.
 *
 * @param name {@code metadata.name}
 * @param source where it was read from ({@code policies/quorum.yaml}), for messages
 * @param priority higher wins where several matching policies configure the same rule
 * @param match the workloads it applies to
 * @param classifiers how to tell a workload's class from its images and labels
 * @param quorum the quorum size it sets, if any
 * @param rules the rules it configures, by id
 * @param mutations the mutations it configures, by id
 * @param exemptions who and what it does not apply to
 */
public record Policy(
    String name,
    String source,
    int priority,
    Match match,
    List<Classifier> classifiers,
    Optional<QuorumSize> quorum,
    Map<String, RuleSetting> rules,
    Map<String, MutationSetting> mutations,
    Exemptions exemptions) {

  public Policy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(match, "match");
    classifiers = List.copyOf(classifiers);
    Objects.requireNonNull(quorum, "quorum");
    rules = Map.copyOf(rules);
    mutations = Map.copyOf(mutations);
    Objects.requireNonNull(exemptions, "exemptions");
  }

  /** A policy that configures no mutation. */
  public Policy(
      String name,
      String source,
      int priority,
      Match match,
      List<Classifier> classifiers,
      Optional<QuorumSize> quorum,
      Map<String, RuleSetting> rules,
      Exemptions exemptions) {
    this(name, source, priority, match, classifiers, quorum, rules, Map.of(), exemptions);
  }

  /**
   * Which workloads a policy applies to. Empty lists mean "any".
   *
   * @param namespaces namespaces it applies in (exact names or globs such as {@code team-*})
   * @param excludeNamespaces namespaces it never applies in
   * @param selector labels the workload must have; null for any
   * @param classes workload classes it applies to
   */
  public record Match(
      List<String> namespaces,
      List<String> excludeNamespaces,
      LabelSelector selector,
      Set<WorkloadClass> classes) {

    public static final Match ALL = new Match(List.of(), List.of(), null, Set.of());

    public Match {
      namespaces = List.copyOf(namespaces);
      excludeNamespaces = List.copyOf(excludeNamespaces);
      classes = Set.copyOf(classes);
    }

    public boolean matches(String namespace, Map<String, String> labels, WorkloadClass cls) {
      if (!namespaces.isEmpty()
          && namespaces.stream().noneMatch(g -> Globs.matches(g, namespace))) {
        return false;
      }
      if (excludeNamespaces.stream().anyMatch(g -> Globs.matches(g, namespace))) {
        return false;
      }
      if (selector != null && !Selectors.matches(selector, labels)) {
        return false;
      }
      return classes.isEmpty() || classes.contains(cls);
    }
  }

  /**
   * Gives workloads a class: every image of the pod template is tried against {@code images}
   * (globs), and all {@code labels} must be on the workload. A classifier with both needs both.
   */
  public record Classifier(
      WorkloadClass workloadClass, List<String> images, Map<String, String> labels) {

    public Classifier {
      Objects.requireNonNull(workloadClass, "workloadClass");
      images = List.copyOf(images);
      labels = Map.copyOf(labels);
      if (images.isEmpty() && labels.isEmpty()) {
        throw new IllegalArgumentException("a classifier needs images or labels");
      }
    }

    public boolean matches(List<String> workloadImages, Map<String, String> workloadLabels) {
      for (Map.Entry<String, String> e : labels.entrySet()) {
        if (!e.getValue().equals(workloadLabels.get(e.getKey()))) {
          return false;
        }
      }
      return images.isEmpty()
          || workloadImages.stream()
              .anyMatch(i -> images.stream().anyMatch(g -> Globs.matches(g, i)));
    }
  }

  /**
   * A rule's mode (absent: keep what a lower-priority policy or the default says) and parameters.
   */
  public record RuleSetting(Optional<Mode> mode, Map<String, Object> params) {
    public RuleSetting {
      Objects.requireNonNull(mode, "mode");
      params = Map.copyOf(params);
    }
  }

  /**
   * Whether a mutation is on ({@code mode: on}), off, or left to lower-priority policies (absent:
   * off when no policy says), and its parameters.
   */
  public record MutationSetting(Optional<Boolean> enabled, Map<String, Object> params) {
    public MutationSetting {
      Objects.requireNonNull(enabled, "enabled");
      params = Map.copyOf(params);
    }
  }

  /**
   * Who a policy does not apply to.
   *
   * @param users user names, exact
   * @param groups group names, exact
   * @param serviceAccounts {@code namespace/name} of service accounts
   * @param namespaces namespaces (exact or globs)
   * @param breakGlassAnnotation the annotation that, carrying a non-blank reason, lifts enforcement
   *     from one object; empty to disable break-glass
   */
  public record Exemptions(
      List<String> users,
      List<String> groups,
      List<String> serviceAccounts,
      List<String> namespaces,
      String breakGlassAnnotation) {

    public static final String DEFAULT_BREAK_GLASS = "stateguard.io/break-glass";

    public static final Exemptions NONE =
        new Exemptions(List.of(), List.of(), List.of(), List.of(), DEFAULT_BREAK_GLASS);

    public Exemptions {
      users = List.copyOf(users);
      groups = List.copyOf(groups);
      serviceAccounts = List.copyOf(serviceAccounts);
      namespaces = List.copyOf(namespaces);
      breakGlassAnnotation = breakGlassAnnotation == null ? "" : breakGlassAnnotation;
    }

    /** Why {@code user} acting in {@code namespace} is exempt, or empty. */
    public Optional<String> exempts(UserInfo user, String namespace) {
      if (!user.username().isEmpty() && users.contains(user.username())) {
        return Optional.of("user " + user.username() + " is exempt");
      }
      for (String group : user.groups()) {
        if (groups.contains(group)) {
          return Optional.of("group " + group + " is exempt");
        }
      }
      for (String sa : serviceAccounts) {
        int slash = sa.indexOf('/');
        if (slash > 0 && user.isServiceAccount(sa.substring(0, slash), sa.substring(slash + 1))) {
          return Optional.of("service account " + sa + " is exempt");
        }
      }
      if (namespaces.stream().anyMatch(g -> Globs.matches(g, namespace))) {
        return Optional.of("namespace " + namespace + " is exempt");
      }
      return Optional.empty();
    }
  }
}
