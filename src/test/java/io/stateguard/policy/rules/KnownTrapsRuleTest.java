package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KnownTrapsRuleTest {

  private final KnownTrapsRule rule = new KnownTrapsRule();

  private static final String ENV = "spec.template.spec.containers[db].env";

  /** The clean set, renamed kafka, with {@code env} (YAML list items) added to container db. */
  private static StatefulSet withEnv(String container, String... env) {
    StatefulSet set = PodTemplates.clean();
    set.getMetadata().setName("kafka");
    List<EnvVar> vars = new ArrayList<>(PodTemplates.container(set, "db").getEnv());
    List<EnvVar> target =
        container.equals("db")
            ? vars
            : new ArrayList<>(
                PodTemplates.container(set, container).getEnv() == null
                    ? List.of()
                    : PodTemplates.container(set, container).getEnv());
    for (String yaml : env) {
      target.add(PodTemplates.fragment(yaml, EnvVar.class));
    }
    PodTemplates.container(set, "db").setEnv(vars);
    PodTemplates.container(set, container).setEnv(target);
    return set;
  }

  private static String fromField(String name, String fieldPath) {
    return "{name: " + name + ", valueFrom: {fieldRef: {fieldPath: \"" + fieldPath + "\"}}}";
  }

  private static String value(String name, String value) {
    return "{name: " + name + ", value: '" + value + "'}";
  }

  @Test
  void acceptsTheCleanSetWhoseReferenceIsDefinedEarlier() {
    assertThat(RuleHarness.check(rule, PodTemplates.clean())).isEmpty();
  }

  @Test
  void deniesABrokerIdTakenFromThePodName() {
    // Given
    StatefulSet set = withEnv("db", fromField("KAFKA_BROKER_ID", "metadata.name"));

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings).singleElement();
    Finding f = findings.get(0);
    assertThat(f.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(f.field()).isEqualTo(ENV + "[KAFKA_BROKER_ID].valueFrom.fieldRef.fieldPath");
    assertThat(f.message())
        .isEqualTo(
            "env KAFKA_BROKER_ID of container db in statefulset data/kafka takes fieldRef"
                + " metadata.name, the pod's name (kafka-0), not a number: the process fails to"
                + " parse it, or every member falls back to the same id; take the ordinal from"
                + " fieldRef metadata.labels['apps.kubernetes.io/pod-index'] (Kubernetes 1.28+),"
                + " or derive it from the hostname in the command (${HOSTNAME##*-})");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "KAFKA_NODE_ID",
        "NODE_ID",
        "BROKER_ID",
        "ZOO_MY_ID",
        "MY_ID",
        "MYID",
        "SERVER_ID",
        "MYSQL_SERVER_ID",
        "zk_server_id"
      })
  void recognisesMemberIdVariables(String name) {
    StatefulSet set = withEnv("db", fromField(name, "metadata.name"));

    assertThat(PodTemplates.fields(RuleHarness.check(rule, set)))
        .containsExactly(ENV + "[" + name + "].valueFrom.fieldRef.fieldPath");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "metadata.labels['statefulset.kubernetes.io/pod-name']",
        "metadata.labels[\\\"statefulset.kubernetes.io/pod-name\\\"]"
      })
  void recognisesThePodNameLabelAsThePodName(String fieldPath) {
    StatefulSet set = withEnv("db", fromField("BROKER_ID", fieldPath));

    assertThat(RuleHarness.check(rule, set)).hasSize(1);
  }

  @Test
  void acceptsAnIdFromThePodIndexLabel() {
    StatefulSet set =
        withEnv(
            "db", fromField("KAFKA_NODE_ID", "metadata.labels['apps.kubernetes.io/pod-index']"));

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void acceptsThePodNameInVariablesThatAreNotIds() {
    StatefulSet set =
        withEnv(
            "db",
            fromField("HOSTNAME_OVERRIDE", "metadata.name"),
            fromField("MEMBER_NAME", "metadata.name"));

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void matchesTheIdVariablesThePolicyNames() {
    StatefulSet set =
        withEnv(
            "db",
            fromField("MEMBER", "metadata.name"),
            fromField("KAFKA_BROKER_ID", "metadata.name"));

    List<Finding> findings = RuleHarness.check(rule, set, Map.of("idVariables", List.of("member")));

    assertThat(PodTemplates.fields(findings))
        .containsExactly(ENV + "[MEMBER].valueFrom.fieldRef.fieldPath");
  }

  @Test
  void checksInitContainers() {
    StatefulSet set = withEnv("init", fromField("ZOO_MY_ID", "metadata.name"));

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.fields(findings))
        .containsExactly(
            "spec.template.spec.initContainers[init].env[ZOO_MY_ID].valueFrom.fieldRef.fieldPath");
    assertThat(findings.get(0).message()).startsWith("env ZOO_MY_ID of init container init in");
  }

  @Test
  void deniesCommandSubstitutionInAnEnvValue() {
    // Given a value that a shell would expand, but Kubernetes does not
    StatefulSet set = withEnv("db", value("KAFKA_NODE_ID", "$(cat /var/lib/kafka/node-id)"));

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings).singleElement();
    assertThat(findings.get(0).field()).isEqualTo(ENV + "[KAFKA_NODE_ID].value");
    assertThat(findings.get(0).message())
        .isEqualTo(
            "env KAFKA_NODE_ID of container db in statefulset data/kafka contains shell command"
                + " substitution $(cat /var/lib/kafka/node-id): Kubernetes is not a shell and"
                + " passes it to the process as literal text (it expands only $(VAR_NAME)"
                + " references to other variables); run the command in the container's command"
                + " (sh -c 'export VAR=\"$(...)\"; exec ...') or take the value from a Secret or"
                + " ConfigMap with valueFrom");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "`hostname -s`",
        "id-`cat /etc/id`",
        "$(hostname -f):9092",
        "$(cat /x",
        "PLAINTEXT://$(POD_NAME).kafka-hs:9092,$(cat /etc/extra)"
      })
  void recognisesShellSubstitutions(String v) {
    StatefulSet set = withEnv("db", value("LISTENERS", v));

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("contains shell command substitution");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$(POD_NAME).kafka-hs.data.svc:9092",
        "$$(cat /not/expanded/on/purpose)",
        "price: $5 (net)",
        "CREATE DATABASE `app`",
        "${HOSTNAME}.kafka-hs",
        "$(KAFKA_SERVICE_HOST):$(KAFKA_SERVICE_PORT)",
        "$(pod.name-with_dots)"
      })
  void acceptsValuesKubernetesExpandsOrThatAreNotShell(String v) {
    StatefulSet set = withEnv("db", value("pod.name-with_dots", "x"), value("ADVERTISED", v));

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void reportsAReferenceToAVariableDefinedLater() {
    StatefulSet set =
        withEnv(
            "db",
            value("ADVERTISED", "$(ADVERTISED_HOST):9092"),
            value("ADVERTISED_HOST", "$(POD_NAME).kafka-hs"));

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.fields(findings)).containsExactly(ENV + "[ADVERTISED].value");
    assertThat(findings.get(0).message())
        .isEqualTo(
            "env ADVERTISED of container db in statefulset data/kafka refers to"
                + " $(ADVERTISED_HOST), defined after it in the env list: Kubernetes expands a"
                + " reference only to a variable defined earlier, so the value keeps the literal"
                + " text; move ADVERTISED_HOST above it");
  }

  @Test
  void reportsAReferenceToAnUndefinedVariable() {
    StatefulSet set = withEnv("db", value("ADVERTISED", "$(hostname):9092"));

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("refers to $(hostname), which the container's env does not define");
  }

  @Test
  void leavesReferencesAloneWhenEnvFromMayDefineThem() {
    StatefulSet set = withEnv("db", value("ADVERTISED", "$(HOST_FROM_CONFIGMAP):9092"));
    EnvFromSource from =
        PodTemplates.fragment("{configMapRef: {name: kafka-env}}", EnvFromSource.class);
    PodTemplates.container(set, "db").setEnvFrom(List.of(from));

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void reportsEachTrapOfAVariableSeparately() {
    StatefulSet set =
        withEnv("db", value("LISTENERS", "$(cat /x):$(LATER)"), value("LATER", "9092"));

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .satisfiesExactly(
            m -> assertThat(m).contains("shell command substitution $(cat /x)"),
            m -> assertThat(m).contains("refers to $(LATER), defined after it"));
  }

  @Test
  void shortensLongSubstitutionsInTheMessage() {
    String command = "$(cat /etc/config/" + "x".repeat(100) + ")";
    StatefulSet set = withEnv("db", value("ID", command));

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("substitution $(cat /etc/config/xxx")
        .contains("...:")
        .doesNotContain("x".repeat(100));
  }

  @Test
  void toleratesIncompleteEnvEntries() {
    StatefulSet set =
        withEnv(
            "db",
            "{name: EMPTY}",
            "{name: FROM_SECRET, valueFrom: {secretKeyRef: {name: s, key: k}}}",
            "{name: NO_PATH, valueFrom: {fieldRef: {}}}",
            "{value: nameless}");

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }
}
