package io.stateguard.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stateguard.policy.Mode;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Policy;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON Schema (draft 2020-12) of one {@code StatefulPolicy} document, for editors to complete
 * and check policy files. The rules and mutations, their parameters, types, defaults and allowed
 * values come from their own metadata, so the schema cannot fall behind the catalogues; names and
 * patterns use the same expressions as {@link PolicyLoader}. The loader remains the authority: it
 * also rejects duplicate keys, aliases and policy names used twice, which a schema cannot see.
 */
public final class PolicySchema {

  static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PolicySchema() {}

  /**
   * The schema as pretty-printed JSON with a final newline. Keys keep a fixed order (rules sorted
   * by id, parameters as declared), so the same rules always give the same text.
   *
   * @throws IllegalArgumentException when two rules share an id, or a rule has a parameter named
   *     {@code mode}
   */
  public static String generate(List<RuleInfo> rules) {
    return generate(rules, List.of());
  }

  /**
   * The schema of policies that may configure {@code rules} and {@code mutations}, as
   * pretty-printed JSON with a final newline; mutations are sorted by id like rules.
   *
   * @throws IllegalArgumentException when two rules or two mutations share an id, or one has a
   *     parameter named {@code mode}
   */
  public static String generate(List<RuleInfo> rules, List<MutationInfo> mutations) {
    RuleCatalog catalog = RuleCatalog.of(rules);
    MutationCatalog mutationCatalog = MutationCatalog.of(mutations);
    ObjectNode root = JSON.objectNode();
    root.put("$schema", DIALECT);
    root.put(
        "$comment",
        "Generated from the rules' and mutations' metadata by io.stateguard.config.PolicySchema:"
            + " do not edit.");
    root.put("title", "StatefulPolicy");
    root.put(
        "description",
        "A stateguard policy: which StatefulSets and PodDisruptionBudgets it matches, how it tells"
            + " their workload class, the mode and parameters of each rule and each mutation, and"
            + " who is exempt. Where several matching policies configure the same rule or"
            + " mutation, the higher priority wins, rule by rule and mutation by mutation.");
    root.put("type", "object");
    root.set("required", strings(PolicyReader.ROOT_FIELDS));
    ObjectNode props = root.putObject("properties");
    props.set(
        "apiVersion", constant(PolicyReader.API_VERSION, "The version of the policy format."));
    props.set("kind", constant(PolicyReader.KIND, "Always " + PolicyReader.KIND + "."));
    props.set("metadata", metadata());
    props.set("spec", spec(catalog, mutationCatalog));
    root.put("additionalProperties", false);
    root.set("$defs", defs());
    return print(root);
  }

  private static ObjectNode metadata() {
    ObjectNode m = object("The policy's identity.");
    m.set("required", strings(List.of("name")));
    ObjectNode p = m.putObject("properties");
    p.set(
        "name",
        shaped(
            Names.POLICY_NAME,
            "Unique among all loaded policies; findings and audit events name it."));
    p.set("labels", ref("stringMap", "Kept for tooling; stateguard ignores them."));
    p.set("annotations", ref("stringMap", "Kept for tooling; stateguard ignores them."));
    m.put("additionalProperties", false);
    return m;
  }

  private static ObjectNode spec(RuleCatalog catalog, MutationCatalog mutations) {
    ObjectNode s = object("What the policy matches and what it says about the rules.");
    ObjectNode p = s.putObject("properties");
    ObjectNode priority =
        integer(
            "Where several matching policies configure the same rule (mode or parameter), the"
                + " higher priority wins. Default 0.");
    priority.put("default", 0);
    p.set("priority", priority);
    p.set("description", string("What the policy is for, for people."));
    p.set("match", match());
    ObjectNode classify =
        array(
            "How to tell a workload's class when it has no "
                + WorkloadClass.LABEL
                + " label. The first classifier that matches, highest-priority policy first,"
                + " decides.");
    classify.set("items", ref("classifier", null));
    p.set("classify", classify);
    p.set(
        "quorum",
        ref(
            "quorum",
            "How many members of a quorum workload must stay up. Default: majority"
                + " (floor(n/2)+1)."));
    p.set("rules", rules(catalog));
    p.set("mutations", mutations(mutations));
    p.set("exemptions", exemptions());
    s.put("additionalProperties", false);
    return s;
  }

  private static ObjectNode match() {
    ObjectNode m =
        object("Which workloads the policy applies to. Absent: all. Every given part must match.");
    ObjectNode p = m.putObject("properties");
    p.set(
        "namespaces",
        ref(
            "namespacePatterns",
            "Namespaces it applies in (names or globs such as team-*). Empty or absent: all."));
    p.set(
        "excludeNamespaces",
        ref("namespacePatterns", "Namespaces it never applies in (names or globs)."));
    p.set("selector", selector());
    ObjectNode classes = array("Workload classes it applies to. Empty or absent: all.");
    classes.set("items", ref("workloadClass", null));
    p.set("classes", classes);
    m.put("additionalProperties", false);
    return m;
  }

  private static ObjectNode selector() {
    ObjectNode s =
        object(
            "Labels the workload must have, as a Kubernetes label selector. Labels of the"
                + " StatefulSet and of its pod template both count.");
    ObjectNode p = s.putObject("properties");
    p.set("matchLabels", ref("labels", "Labels that must all be present with these values."));
    ObjectNode expressions = array("Requirements that must all hold.");
    ObjectNode item = object(null);
    item.set("required", strings(List.of("key", "operator")));
    ObjectNode ip = item.putObject("properties");
    ip.set("key", shaped(Names.LABEL_KEY, "The label key."));
    ObjectNode operator = enumeration(PolicyReader.OPERATORS, "How the label is compared.");
    ip.set("operator", operator);
    ObjectNode values = array("Label values: needed by In and NotIn, not allowed otherwise.");
    values.set("items", shaped(Names.LABEL_VALUE, null));
    ip.set("values", values);
    item.put("additionalProperties", false);
    ArrayNode allOf = item.putArray("allOf");
    allOf.add(operatorCondition(List.of("In", "NotIn"), true));
    allOf.add(operatorCondition(List.of("Exists", "DoesNotExist"), false));
    expressions.set("items", item);
    p.set("matchExpressions", expressions);
    s.put("additionalProperties", false);
    return s;
  }

  private static ObjectNode operatorCondition(List<String> operators, boolean needsValues) {
    ObjectNode condition = JSON.objectNode();
    ObjectNode when = condition.putObject("if");
    when.putObject("properties").set("operator", enumeration(operators, null));
    when.set("required", strings(List.of("operator")));
    ObjectNode then = condition.putObject("then");
    ObjectNode values = then.putObject("properties").putObject("values");
    if (needsValues) {
      then.set("required", strings(List.of("values")));
      values.put("minItems", 1);
    } else {
      values.put("maxItems", 0);
    }
    return condition;
  }

  private static ObjectNode rules(RuleCatalog catalog) {
    ObjectNode r =
        object(
            "The rules this policy configures, by id: a mode alone (readiness-probe: enforce), or"
                + " a map of an optional mode and the rule's parameters. A rule no matching policy"
                + " names keeps its default mode.");
    ObjectNode p = r.putObject("properties");
    catalog.rules().stream()
        .sorted(Comparator.comparing(RuleInfo::id))
        .forEach(rule -> p.set(rule.id(), rule(rule)));
    r.put("additionalProperties", false);
    return r;
  }

  private static ObjectNode rule(RuleInfo rule) {
    ObjectNode r = JSON.objectNode();
    r.put("description", rule.summary() + " Default mode: " + rule.defaultMode().id() + ".");
    ArrayNode anyOf = r.putArray("anyOf");
    anyOf.add(ref("mode", null));
    ObjectNode setting = object(null);
    ObjectNode p = setting.putObject("properties");
    p.set(RuleCatalog.MODE, ref("mode", null));
    for (ParamSpec param : rule.params()) {
      p.set(param.name(), param(param));
    }
    setting.put("additionalProperties", false);
    anyOf.add(setting);
    return r;
  }

  private static ObjectNode mutations(MutationCatalog catalog) {
    ObjectNode m =
        object(
            "The mutations this policy configures, by id: on or off alone (anti-affinity: on), or a"
                + " map of an optional mode and the mutation's parameters. A mutation no matching"
                + " policy turns on is off. Mutations change StatefulSets on CREATE (and on UPDATE"
                + " with onUpdate: true) before they are validated.");
    ObjectNode p = m.putObject("properties");
    catalog.mutations().stream()
        .sorted(Comparator.comparing(MutationInfo::id))
        .forEach(mutation -> p.set(mutation.id(), mutation(mutation)));
    m.put("additionalProperties", false);
    return m;
  }

  private static ObjectNode mutation(MutationInfo mutation) {
    ObjectNode r = JSON.objectNode();
    r.put(
        "description",
        mutation.summary()
            + "."
            + (mutation.changesPodTemplate()
                ? " Changes the pod template: added to an existing set (onUpdate), it restarts"
                    + " every pod."
                : ""));
    ArrayNode anyOf = r.putArray("anyOf");
    anyOf.add(ref("mutationMode", null));
    ObjectNode setting = object(null);
    ObjectNode p = setting.putObject("properties");
    p.set(RuleCatalog.MODE, ref("mutationMode", null));
    for (ParamSpec param : mutation.params()) {
      p.set(param.name(), param(param));
    }
    setting.put("additionalProperties", false);
    anyOf.add(setting);
    return r;
  }

  private static ObjectNode param(ParamSpec param) {
    ObjectNode out = JSON.objectNode();
    out.put("description", param.description());
    out.put("type", param.type().schemaType());
    switch (param.type()) {
      case INTEGER -> {
        out.put("minimum", param.minimum());
        out.put("maximum", param.maximum());
      }
      case STRING_LIST -> out.putObject("items").put("type", "string");
      case STRING -> {
        if (!param.allowed().isEmpty()) {
          out.set("enum", strings(param.allowed()));
        }
      }
      case BOOLEAN -> {}
    }
    out.set("default", MAPPER.valueToTree(param.defaultValue()));
    return out;
  }

  private static ObjectNode exemptions() {
    ObjectNode e =
        object(
            "Who and what the policy does not apply to: an exempt request is allowed even when a"
                + " rule in enforce mode finds a problem (findings are still reported).");
    ObjectNode p = e.putObject("properties");
    ObjectNode users = array("User names, exact.");
    users.set("items", shaped(Names.NOT_BLANK, null));
    p.set("users", users);
    ObjectNode groups = array("Group names, exact.");
    groups.set("items", shaped(Names.NOT_BLANK, null));
    p.set("groups", groups);
    ObjectNode accounts = array("Service accounts as namespace/name.");
    accounts.set("items", shaped(Names.SERVICE_ACCOUNT, null));
    p.set("serviceAccounts", accounts);
    p.set("namespaces", ref("namespacePatterns", "Namespaces (names or globs) that are exempt."));
    ObjectNode breakGlass =
        shaped(
            Names.ANNOTATION_KEY_OR_EMPTY,
            "The annotation that, carrying a non-blank reason, lifts enforcement from one object;"
                + " \"\" disables break-glass.");
    breakGlass.put("default", Policy.Exemptions.DEFAULT_BREAK_GLASS);
    p.set("breakGlassAnnotation", breakGlass);
    e.put("additionalProperties", false);
    return e;
  }

  private static ObjectNode defs() {
    ObjectNode d = JSON.objectNode();
    d.set(
        "mode",
        enumeration(
            Arrays.stream(Mode.values()).map(Mode::id).toList(),
            "enforce denies, warn allows with an admission warning, audit only records, off does"
                + " not evaluate the rule."));
    d.set(
        "mutationMode",
        enumeration(
            List.of(MutationCatalog.ON, MutationCatalog.OFF),
            "on applies the mutation where it is missing, off does not."));
    d.set(
        "workloadClass",
        enumeration(
            Arrays.stream(WorkloadClass.values()).map(WorkloadClass::id).toList(),
            "quorum (ZooKeeper, etcd, KRaft controllers), database, cache or default."));
    ObjectNode quorum = JSON.objectNode();
    quorum.put(
        "description",
        "majority (floor(n/2)+1), a number of members, or a percentage of the replicas rounded"
            + " up.");
    ArrayNode anyOf = quorum.putArray("anyOf");
    anyOf.add(JSON.objectNode().put("const", "majority"));
    anyOf.add(
        JSON.objectNode()
            .put("type", "integer")
            .put("minimum", 1)
            .put("maximum", Integer.MAX_VALUE));
    anyOf.add(shaped(Names.PERCENT, null));
    d.set("quorum", quorum);
    ObjectNode classifier =
        object(
            "Gives matching workloads a class: any pod-template image matches one of images, and"
                + " all labels are on the workload. Needs images or labels.");
    classifier.set("required", strings(List.of("class")));
    ObjectNode cp = classifier.putObject("properties");
    cp.set("class", ref("workloadClass", null));
    ObjectNode images = array("Image globs such as *zookeeper* or quay.io/coreos/etcd:*.");
    images.set("items", shaped(Names.IMAGE_PATTERN, null));
    cp.set("images", images);
    cp.set("labels", ref("labels", "Labels that must all be on the workload."));
    classifier.put("additionalProperties", false);
    ArrayNode needs = classifier.putArray("anyOf");
    ObjectNode withImages = JSON.objectNode();
    withImages.set("required", strings(List.of("images")));
    withImages.putObject("properties").putObject("images").put("minItems", 1);
    needs.add(withImages);
    ObjectNode withLabels = JSON.objectNode();
    withLabels.set("required", strings(List.of("labels")));
    withLabels.putObject("properties").putObject("labels").put("minProperties", 1);
    needs.add(withLabels);
    d.set("classifier", classifier);
    ObjectNode patterns = array(null);
    patterns.set("items", shaped(Names.NAMESPACE_PATTERN, null));
    d.set("namespacePatterns", patterns);
    ObjectNode labels = object(null);
    labels.set("propertyNames", shaped(Names.LABEL_KEY, null));
    labels.set("additionalProperties", shaped(Names.LABEL_VALUE, null));
    d.set("labels", labels);
    ObjectNode stringMap = object(null);
    stringMap.putObject("additionalProperties").put("type", "string");
    d.set("stringMap", stringMap);
    return d;
  }

  private static ObjectNode object(String description) {
    return typed("object", description);
  }

  private static ObjectNode array(String description) {
    return typed("array", description);
  }

  private static ObjectNode string(String description) {
    return typed("string", description);
  }

  private static ObjectNode integer(String description) {
    ObjectNode n = typed("integer", description);
    n.put("minimum", Integer.MIN_VALUE);
    n.put("maximum", Integer.MAX_VALUE);
    return n;
  }

  private static ObjectNode typed(String type, String description) {
    ObjectNode n = JSON.objectNode();
    if (description != null) {
      n.put("description", description);
    }
    n.put("type", type);
    return n;
  }

  private static ObjectNode shaped(Names.Shape shape, String description) {
    ObjectNode n = string(description);
    n.put("pattern", shape.anchored());
    if (shape.maxLength() > 0) {
      n.put("maxLength", shape.maxLength());
    }
    return n;
  }

  private static ObjectNode constant(String value, String description) {
    ObjectNode n = JSON.objectNode();
    n.put("description", description);
    n.put("const", value);
    return n;
  }

  private static ObjectNode enumeration(List<String> values, String description) {
    ObjectNode n = string(description);
    n.set("enum", strings(values));
    return n;
  }

  private static ObjectNode ref(String def, String description) {
    ObjectNode n = JSON.objectNode();
    if (description != null) {
      n.put("description", description);
    }
    n.put("$ref", "#/$defs/" + def);
    return n;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = JSON.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static String print(ObjectNode root) {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""));
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    try {
      return MAPPER.writer(printer).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serializes", e);
    }
  }
}
