package io.stateguard.config;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.stateguard.policy.Policy;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.WorkloadClass;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns one document into a {@link Policy}, reporting every problem in it. A document whose {@code
 * apiVersion} or {@code kind} is missing or wrong is not read further: it is some other object, and
 * its fields would only add noise.
 */
final class PolicyReader {

  static final String API_VERSION = "stateguard.io/v1";
  static final String KIND = "StatefulPolicy";

  static final List<String> ROOT_FIELDS = List.of("apiVersion", "kind", "metadata", "spec");
  static final List<String> METADATA_FIELDS = List.of("name", "labels", "annotations");
  static final List<String> SPEC_FIELDS =
      List.of(
          "priority",
          "description",
          "match",
          "classify",
          "quorum",
          "rules",
          "mutations",
          "exemptions");
  static final List<String> MATCH_FIELDS =
      List.of("namespaces", "excludeNamespaces", "selector", "classes");
  static final List<String> SELECTOR_FIELDS = List.of("matchLabels", "matchExpressions");
  static final List<String> EXPRESSION_FIELDS = List.of("key", "operator", "values");
  static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");
  static final List<String> CLASSIFIER_FIELDS = List.of("class", "images", "labels");
  static final List<String> EXEMPTION_FIELDS =
      List.of("users", "groups", "serviceAccounts", "namespaces", "breakGlassAnnotation");

  /** Any string: labels and annotations of a policy's own metadata are not interpreted. */
  private static final Names.Shape ANY = new Names.Shape("[\\s\\S]*", 0, "anything");

  /**
   * What reading one document gave: the policy's name and where it is written (for duplicate names,
   * even when the document has other problems), and the policy when it has none.
   */
  record Result(Optional<String> name, Node.Pos namePos, Optional<Policy> policy) {}

  private final RulesReader rules;
  private final MutationsReader mutations;
  private final Problems problems;

  PolicyReader(RuleCatalog catalog, MutationCatalog mutationCatalog, Problems problems) {
    this.rules = new RulesReader(catalog);
    this.mutations = new MutationsReader(mutationCatalog, catalog);
    this.problems = problems;
  }

  Result read(TreeReader.Document document) {
    Result nothing = new Result(Optional.empty(), Node.Pos.NONE, Optional.empty());
    if (!(document.root() instanceof Node.Mapping)) {
      Fields.typeProblem(
          document.root(),
          "",
          "a " + KIND + " (a map of apiVersion, kind, metadata, spec)",
          problems);
      return nothing;
    }
    Fields root = Fields.of(document.root(), "", document.start(), problems).orElseThrow();
    int before = problems.size();
    Optional<String> apiVersion =
        root.required("apiVersion").flatMap(e -> Fields.string(e.value(), "apiVersion", problems));
    if (apiVersion.isPresent() && !apiVersion.get().equals(API_VERSION)) {
      problems.add(
          root.entry("apiVersion").orElseThrow().value().pos(),
          "apiVersion",
          "unsupported apiVersion \"" + apiVersion.get() + "\" (expected " + API_VERSION + ")");
    }
    Optional<String> kind =
        root.required("kind").flatMap(e -> Fields.string(e.value(), "kind", problems));
    if (kind.isPresent() && !kind.get().equals(KIND)) {
      problems.add(
          root.entry("kind").orElseThrow().value().pos(),
          "kind",
          "expected kind " + KIND + ", got \"" + kind.get() + "\"");
    }
    if (problems.size() > before) {
      return nothing;
    }
    root.rejectUnknown(ROOT_FIELDS);

    Optional<Fields> metadata = root.required("metadata").flatMap(root::object);
    Optional<String> name = Optional.empty();
    Node.Pos namePos = Node.Pos.NONE;
    if (metadata.isPresent()) {
      Fields m = metadata.get();
      m.rejectUnknown(METADATA_FIELDS);
      name =
          m.required("name")
              .flatMap(e -> Fields.string(e.value(), m.child("name"), Names.POLICY_NAME, problems));
      namePos = m.entry("name").map(e -> e.value().pos()).orElse(Node.Pos.NONE);
      m.stringMap("labels", ANY, ANY);
      m.stringMap("annotations", ANY, ANY);
    }

    Optional<Fields> spec = root.required("spec").flatMap(root::object);
    Optional<Policy> policy = Optional.empty();
    if (spec.isPresent()) {
      Optional<Policy> read = spec(spec.get(), name.orElse(""));
      if (problems.size() == before && name.isPresent()) {
        policy = read;
      }
    }
    return new Result(name, namePos, policy);
  }

  private Optional<Policy> spec(Fields spec, String name) {
    spec.rejectUnknown(SPEC_FIELDS);
    int priority = spec.integer("priority").orElse(0);
    spec.string("description");
    Policy.Match match = spec.object("match").map(this::match).orElse(Policy.Match.ALL);
    List<Policy.Classifier> classifiers =
        spec.sequence("classify")
            .map(s -> classifiers(s, spec.child("classify")))
            .orElse(List.of());
    Optional<QuorumSize> quorum =
        spec.entry("quorum").flatMap(e -> quorum(e.value(), spec.child("quorum")));
    Map<String, Policy.RuleSetting> settings =
        spec.object("rules").map(rules::read).orElse(Map.of());
    Map<String, Policy.MutationSetting> mutationSettings =
        spec.object("mutations").map(mutations::read).orElse(Map.of());
    Policy.Exemptions exemptions =
        spec.object("exemptions").map(this::exemptions).orElse(Policy.Exemptions.NONE);
    return Optional.of(
        new Policy(
            name,
            problems.source(),
            priority,
            match,
            classifiers,
            quorum,
            settings,
            mutationSettings,
            exemptions));
  }

  private Policy.Match match(Fields match) {
    match.rejectUnknown(MATCH_FIELDS);
    List<String> namespaces =
        match.strings("namespaces", Names.NAMESPACE_PATTERN).orElse(List.of());
    List<String> exclude =
        match.strings("excludeNamespaces", Names.NAMESPACE_PATTERN).orElse(List.of());
    LabelSelector selector = match.object("selector").map(this::selector).orElse(null);
    Set<WorkloadClass> classes = new LinkedHashSet<>();
    match
        .sequence("classes")
        .ifPresent(
            seq -> {
              for (int i = 0; i < seq.items().size(); i++) {
                workloadClass(seq.items().get(i), match.child("classes") + "[" + i + "]")
                    .ifPresent(classes::add);
              }
            });
    return new Policy.Match(namespaces, exclude, selector, classes);
  }

  private LabelSelector selector(Fields selector) {
    selector.rejectUnknown(SELECTOR_FIELDS);
    Map<String, String> labels =
        selector.stringMap("matchLabels", Names.LABEL_KEY, Names.LABEL_VALUE).orElse(null);
    List<LabelSelectorRequirement> expressions = new ArrayList<>();
    selector
        .sequence("matchExpressions")
        .ifPresent(
            seq -> {
              for (int i = 0; i < seq.items().size(); i++) {
                Node item = seq.items().get(i);
                String path = selector.child("matchExpressions") + "[" + i + "]";
                Fields.of(item, path, item.pos(), problems)
                    .flatMap(this::expression)
                    .ifPresent(expressions::add);
              }
            });
    return new LabelSelector(expressions.isEmpty() ? null : expressions, labels);
  }

  private Optional<LabelSelectorRequirement> expression(Fields expr) {
    int before = problems.size();
    expr.rejectUnknown(EXPRESSION_FIELDS);
    Optional<String> key =
        expr.required("key")
            .flatMap(e -> Fields.string(e.value(), expr.child("key"), Names.LABEL_KEY, problems));
    Optional<String> operator =
        expr.required("operator")
            .flatMap(e -> Fields.string(e.value(), expr.child("operator"), problems));
    if (operator.isPresent() && !OPERATORS.contains(operator.get())) {
      problems.add(
          expr.entry("operator").orElseThrow().value().pos(),
          expr.child("operator"),
          "unknown operator \""
              + operator.get()
              + "\" (expected In, NotIn, Exists or DoesNotExist)");
    }
    List<String> values = expr.strings("values", Names.LABEL_VALUE).orElse(List.of());
    if (problems.size() > before) {
      return Optional.empty();
    }
    // As the API server validates selectors: In and NotIn need values, the others take none.
    boolean needsValues = operator.get().equals("In") || operator.get().equals("NotIn");
    Node.Pos valuesPos = expr.entry("values").map(e -> e.value().pos()).orElse(expr.anchor());
    if (needsValues && values.isEmpty()) {
      problems.add(
          valuesPos,
          expr.child("values"),
          "operator " + operator.get() + " needs at least one value");
      return Optional.empty();
    }
    if (!needsValues && !values.isEmpty()) {
      problems.add(
          valuesPos, expr.child("values"), "operator " + operator.get() + " takes no values");
      return Optional.empty();
    }
    return Optional.of(
        new LabelSelectorRequirement(
            key.orElseThrow(), operator.get(), needsValues ? values : null));
  }

  private List<Policy.Classifier> classifiers(Node.Sequence seq, String path) {
    List<Policy.Classifier> out = new ArrayList<>();
    for (int i = 0; i < seq.items().size(); i++) {
      Node item = seq.items().get(i);
      String itemPath = path + "[" + i + "]";
      Fields.of(item, itemPath, item.pos(), problems).flatMap(this::classifier).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Policy.Classifier> classifier(Fields c) {
    int before = problems.size();
    c.rejectUnknown(CLASSIFIER_FIELDS);
    Optional<WorkloadClass> cls =
        c.required("class").flatMap(e -> workloadClass(e.value(), c.child("class")));
    List<String> images = c.strings("images", Names.IMAGE_PATTERN).orElse(List.of());
    Map<String, String> labels =
        c.stringMap("labels", Names.LABEL_KEY, Names.LABEL_VALUE).orElse(Map.of());
    if (problems.size() > before) {
      return Optional.empty();
    }
    if (images.isEmpty() && labels.isEmpty()) {
      problems.add(c.anchor(), c.path(), "a classifier needs at least one image pattern or label");
      return Optional.empty();
    }
    return Optional.of(new Policy.Classifier(cls.orElseThrow(), images, labels));
  }

  private Optional<WorkloadClass> workloadClass(Node node, String path) {
    Optional<String> text = Fields.string(node, path, problems);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    WorkloadClass cls = WorkloadClass.parse(text.get());
    if (cls == null) {
      problems.add(
          node.pos(),
          path,
          "unknown workload class \""
              + text.get()
              + "\" (known: "
              + Arrays.stream(WorkloadClass.values())
                  .map(WorkloadClass::id)
                  .collect(Collectors.joining(", "))
              + ")");
      return Optional.empty();
    }
    return Optional.of(cls);
  }

  /** {@code majority}, a whole number of members, or a percentage string. */
  private Optional<QuorumSize> quorum(Node node, String path) {
    String expected = "majority, a number of members (3) or a percentage (\"60%\")";
    if (node instanceof Node.Scalar s && s.kind() == Node.Scalar.Kind.INTEGER) {
      Optional<Integer> count = Fields.integer(node, path, problems);
      if (count.isPresent() && count.get() < 1) {
        problems.add(node.pos(), path, "a quorum must be at least 1 member, got " + count.get());
        return Optional.empty();
      }
      return count.map(c -> new QuorumSize(QuorumSize.Kind.COUNT, c));
    }
    if (node instanceof Node.Scalar s && s.kind() == Node.Scalar.Kind.STRING) {
      String text = (String) s.value();
      if (text.equals("majority")) {
        return Optional.of(QuorumSize.MAJORITY);
      }
      if (Names.PERCENT.matches(text)) {
        return Optional.of(QuorumSize.parse(text));
      }
      if (text.matches("[0-9]+%")) {
        problems.add(node.pos(), path, "a quorum percentage must be 1% to 100%, got " + text);
        return Optional.empty();
      }
      if (text.matches("[0-9]+")) {
        problems.add(
            node.pos(), path, "write a number of members without quotes (quorum: " + text + ")");
        return Optional.empty();
      }
      problems.add(node.pos(), path, "expected " + expected + ", got \"" + text + "\"");
      return Optional.empty();
    }
    Fields.typeProblem(node, path, expected, problems);
    return Optional.empty();
  }

  private Policy.Exemptions exemptions(Fields ex) {
    ex.rejectUnknown(EXEMPTION_FIELDS);
    return new Policy.Exemptions(
        ex.strings("users", Names.NOT_BLANK).orElse(List.of()),
        ex.strings("groups", Names.NOT_BLANK).orElse(List.of()),
        ex.strings("serviceAccounts", Names.SERVICE_ACCOUNT).orElse(List.of()),
        ex.strings("namespaces", Names.NAMESPACE_PATTERN).orElse(List.of()),
        ex.string("breakGlassAnnotation", Names.ANNOTATION_KEY_OR_EMPTY)
            .orElse(Policy.Exemptions.DEFAULT_BREAK_GLASS));
  }
}
