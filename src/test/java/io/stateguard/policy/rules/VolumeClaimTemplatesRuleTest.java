package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.PodTemplates.withClass;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.WorkloadClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeClaimTemplatesRuleTest {

  private final VolumeClaimTemplatesRule rule = new VolumeClaimTemplatesRule();

  private static final String TEMPLATE_FIELD = "spec.volumeClaimTemplates[data].spec";

  private static StatefulSet withoutClaimTemplates(StatefulSet set, String... volumesYaml) {
    set.getSpec().setVolumeClaimTemplates(null);
    List<Volume> volumes = new ArrayList<>();
    for (String yaml : volumesYaml) {
      volumes.add(PodTemplates.fragment(yaml, Volume.class));
    }
    PodTemplates.pod(set).setVolumes(volumes);
    // The container keeps its mount of "data", now one of the pod's own volumes.
    return set;
  }

  private static StatefulSet withTemplate(StatefulSet set, String templateYaml) {
    set.getSpec()
        .setVolumeClaimTemplates(
            new ArrayList<>(
                List.of(PodTemplates.fragment(templateYaml, PersistentVolumeClaim.class))));
    return set;
  }

  private static StatefulSet withAccessModes(String modes) {
    return withTemplate(
        PodTemplates.clean(),
        """
        metadata: {name: data}
        spec:
          accessModes: %s
          resources: {requests: {storage: 10Gi}}
        """
            .formatted(modes));
  }

  @Test
  void acceptsTheCleanSet() {
    assertThat(RuleHarness.check(rule, PodTemplates.clean())).isEmpty();
  }

  @Test
  void deniesADatabaseWhoseDataLivesInAnEmptyDir() {
    // Given a database set keeping its data in an emptyDir
    StatefulSet set = withoutClaimTemplates(PodTemplates.clean(), "{name: data, emptyDir: {}}");

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings).singleElement();
    Finding f = findings.get(0);
    assertThat(f.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(f.field()).isEqualTo("spec.volumeClaimTemplates");
    assertThat(f.message())
        .isEqualTo(
            "statefulset data/pg is a database workload with no volumeClaimTemplates: its data"
                + " lives on node-local volumes (emptyDir data) and is lost when a member is"
                + " rescheduled or its node fails; add a volumeClaimTemplate (accessModes"
                + " [ReadWriteOnce], resources.requests.storage) and mount it where the data is"
                + " written");
  }

  @Test
  void reportsAQuorumSetWithoutAnyVolume() {
    StatefulSet set = withClass(withoutClaimTemplates(PodTemplates.clean()), WorkloadClass.QUORUM);
    PodTemplates.container(set, "db").setVolumeMounts(null);
    PodTemplates.container(set, "init").setVolumeMounts(null);

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("is a quorum workload with no volumeClaimTemplates")
        .contains("the container's writable layer");
  }

  @Test
  void namesHostPathVolumesAsNodeLocal() {
    StatefulSet set =
        withoutClaimTemplates(
            PodTemplates.clean(),
            "{name: data, hostPath: {path: /mnt/pg}}",
            "{name: run, emptyDir: {}}");

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("(hostPath data, emptyDir run)");
  }

  @Test
  void acceptsNoClaimTemplatesOnClassesThatKeepNoData() {
    StatefulSet cache =
        withClass(
            withoutClaimTemplates(PodTemplates.clean(), "{name: data, emptyDir: {}}"),
            WorkloadClass.CACHE);
    StatefulSet unclassified =
        withClass(
            withoutClaimTemplates(PodTemplates.clean(), "{name: data, emptyDir: {}}"),
            WorkloadClass.DEFAULT);

    assertThat(RuleHarness.check(rule, cache)).isEmpty();
    assertThat(RuleHarness.check(rule, unclassified)).isEmpty();
  }

  @Test
  void requiresClaimTemplatesOnTheClassesThePolicyNames() {
    StatefulSet cache =
        withClass(
            withoutClaimTemplates(PodTemplates.clean(), "{name: data, emptyDir: {}}"),
            WorkloadClass.CACHE);

    assertThat(RuleHarness.check(rule, cache, Map.of("classes", List.of("cache")))).hasSize(1);
  }

  @Test
  void reportsOneSharedClaimMountedByEveryMember() {
    StatefulSet set =
        withoutClaimTemplates(
            PodTemplates.clean(), "{name: data, persistentVolumeClaim: {claimName: pg-data}}");

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("workload of 3 members with no volumeClaimTemplates")
        .contains("every member mounts the same claim pg-data");
  }

  @Test
  void acceptsOneSharedClaimForASingleMember() {
    // One member on a pre-created claim keeps its data across reschedules.
    StatefulSet set =
        withoutClaimTemplates(
            PodTemplates.clean(), "{name: data, persistentVolumeClaim: {claimName: pg-data}}");
    set.getSpec().setReplicas(1);

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void reportsReadWriteManyOnAPerMemberVolume() {
    List<Finding> findings = RuleHarness.check(rule, withAccessModes("[ReadWriteMany]"));

    assertThat(findings).singleElement();
    assertThat(findings.get(0).field()).isEqualTo(TEMPLATE_FIELD + ".accessModes");
    assertThat(findings.get(0).message())
        .startsWith("statefulset data/pg claim template data asks for access mode ReadWriteMany:")
        .contains("network filesystem")
        .endsWith("use ReadWriteOnce or ReadWriteOncePod");
  }

  @Test
  void reportsOnlyTheModeThatIsNotAllowed() {
    List<Finding> findings =
        RuleHarness.check(rule, withAccessModes("[ReadWriteOnce, ReadOnlyMany]"));

    assertThat(PodTemplates.messages(findings))
        .singleElement()
        .asString()
        .contains("asks for access mode ReadOnlyMany: a member cannot write its data");
  }

  @Test
  void acceptsReadWriteOncePod() {
    assertThat(RuleHarness.check(rule, withAccessModes("[ReadWriteOncePod]"))).isEmpty();
  }

  @Test
  void acceptsTheAccessModesThePolicyAllows() {
    Map<String, Object> params =
        Map.of("allowedAccessModes", List.of("ReadWriteOnce", "ReadWriteMany"));

    assertThat(RuleHarness.check(rule, withAccessModes("[ReadWriteMany]"), params)).isEmpty();
  }

  @Test
  void reportsModesThePolicyLeftOutOfTheAllowedOnes() {
    Map<String, Object> params =
        Map.of("allowedAccessModes", List.of("ReadWriteOnce", "ReadWriteMany"));

    List<Finding> findings = RuleHarness.check(rule, withAccessModes("[ReadWriteOncePod]"), params);

    assertThat(PodTemplates.messages(findings))
        .singleElement()
        .asString()
        .contains(
            "ReadWriteOncePod, which the policy does not allow; use ReadWriteOnce or"
                + " ReadWriteMany");
  }

  @Test
  void checksAccessModesWhateverTheClass() {
    StatefulSet set = withClass(withAccessModes("[ReadWriteMany]"), WorkloadClass.DEFAULT);

    assertThat(RuleHarness.check(rule, set)).hasSize(1);
  }

  @Test
  void reportsATemplateWithoutAccessModes() {
    StatefulSet set = withAccessModes("[]");

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.fields(findings)).containsExactly(TEMPLATE_FIELD + ".accessModes");
    assertThat(findings.get(0).message()).contains("sets no access mode").contains("Pending");
  }

  @Test
  void reportsATemplateWithoutAStorageRequest() {
    StatefulSet set =
        withTemplate(
            PodTemplates.clean(),
            """
            metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {limits: {storage: 10Gi}}
            """);

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.fields(findings))
        .containsExactly(TEMPLATE_FIELD + ".resources.requests.storage");
    assertThat(findings.get(0).message())
        .startsWith("statefulset data/pg claim template data requests no storage:");
  }

  @Test
  void reportsBothProblemsOfATemplateWithoutSpec() {
    StatefulSet set = withTemplate(PodTemplates.clean(), "metadata: {name: data}");

    assertThat(PodTemplates.fields(RuleHarness.check(rule, set)))
        .containsExactlyInAnyOrder(
            TEMPLATE_FIELD + ".accessModes", TEMPLATE_FIELD + ".resources.requests.storage");
  }

  @Test
  void reportsAClaimTemplateNoContainerMounts() {
    // Given a template named "pgdata" while the containers mount "data"
    StatefulSet set =
        withTemplate(
            PodTemplates.clean(),
            """
            metadata: {name: pgdata}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 10Gi}}
            """);
    PodTemplates.pod(set)
        .setVolumes(List.of(PodTemplates.fragment("{name: data, emptyDir: {}}", Volume.class)));

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.fields(findings)).containsExactly("spec.volumeClaimTemplates[pgdata]");
    assertThat(findings.get(0).message())
        .contains("claim template pgdata is mounted by no container")
        .contains("add a volumeMount named pgdata");
  }

  @Test
  void countsABlockDeviceAsMounted() {
    StatefulSet set = PodTemplates.clean();
    PodTemplates.container(set, "db").setVolumeMounts(null);
    PodTemplates.container(set, "init").setVolumeMounts(null);
    PodTemplates.container(set, "db")
        .setVolumeDevices(List.of(new VolumeDevice("/dev/pg", "data")));

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void countsAMountByAnInitContainerOnly() {
    StatefulSet set = PodTemplates.clean();
    PodTemplates.container(set, "db").setVolumeMounts(null);

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void namesEachTemplateOfSeveral() {
    StatefulSet set = PodTemplates.clean();
    List<PersistentVolumeClaim> templates =
        new ArrayList<>(set.getSpec().getVolumeClaimTemplates());
    templates.add(
        PodTemplates.fragment(
            """
            metadata: {name: wal}
            spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}
            """,
            PersistentVolumeClaim.class));
    set.getSpec().setVolumeClaimTemplates(templates);
    PodTemplates.container(set, "db")
        .getVolumeMounts()
        .add(new VolumeMountBuilder().withName("wal").withMountPath("/wal").build());

    assertThat(PodTemplates.fields(RuleHarness.check(rule, set)))
        .containsExactly("spec.volumeClaimTemplates[wal].spec.accessModes");
  }
}
