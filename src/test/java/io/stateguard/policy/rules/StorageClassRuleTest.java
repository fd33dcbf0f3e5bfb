package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.ClusterFixtures.quorumSet;
import static io.stateguard.policy.rules.ClusterFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageClassRuleTest {

  private final StorageClassRule rule = new StorageClassRule();

  @Test
  void warnsOfAClaimTemplateNamingAClassTheClusterDoesNotHave() {
    // Given: a policy leaving the rule at its default mode
    StatefulSet zk = withClaim("zk", "fast-ssd");
    Policy defaults =
        new Policy(
            "defaults",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.empty(),
            Map.of(),
            Policy.Exemptions.NONE);

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule,
            zk,
            view(zk, storageClass("standard", true, true), storageClass("slow", false, false)),
            defaults);

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("storage-class");
              assertThat(f.mode()).isEqualTo(Mode.WARN);
              assertThat(f.field())
                  .isEqualTo("spec.volumeClaimTemplates[data].spec.storageClassName");
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/zk claim template data asks for StorageClass fast-ssd,"
                          + " which the cluster does not have: each member's"
                          + " PersistentVolumeClaim stays Pending, and its pod unscheduled,"
                          + " unless a PersistentVolume of that class is made for it by hand; the"
                          + " cluster has slow, standard (default); create StorageClass fast-ssd"
                          + " or name an existing class");
            });
  }

  @Test
  void saysNothingWhenTheClustersClassesAreUnknown() {
    // Given: a report of the set alone, with no StorageClass among the manifests
    StatefulSet zk = withClaim("zk", "fast-ssd");

    // Then
    assertThat(RuleHarness.check(rule, zk, view(zk), Map.of())).isEmpty();
  }

  @Test
  void allowsAnExistingClassThatCanExpand() {
    // Given
    StatefulSet zk = withClaim("zk", "fast-ssd");

    // Then
    assertThat(check(zk, storageClass("fast-ssd", false, true))).isEmpty();
  }

  @Test
  void warnsOfAClassThatCannotExpand() {
    // Given
    StatefulSet zk = withClaim("zk", "local");

    // When
    List<Finding> findings = check(zk, storageClass("local", false, false));

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "statefulset data/zk claim template data gets StorageClass local, which does not"
                + " allow volume expansion (allowVolumeExpansion is not true): a member whose"
                + " volume fills cannot have its claim grown in place, only its data moved to a"
                + " new one; use a class that allows expansion, set allowVolumeExpansion: true on"
                + " StorageClass local if its provisioner (ebs.csi.aws.com) can resize volumes,"
                + " or set volumeExpansion: false for storage-class in the policy");
  }

  @Test
  void volumeExpansionFalseAcceptsClassesThatCannotExpand() {
    // Given
    StatefulSet zk = withClaim("zk", "local");

    // When
    List<Finding> findings =
        RuleHarness.check(
            rule,
            zk,
            view(zk, storageClass("local", false, false)),
            Map.of(StorageClassRule.VOLUME_EXPANSION, false));

    // Then
    assertThat(findings).isEmpty();
  }

  @Test
  void judgesAClaimWithoutAClassByTheDefaultClass() {
    // Given
    StatefulSet zk = withClaim("zk", null);

    // Then
    assertThat(check(zk, storageClass("standard", true, true), storageClass("local", false, false)))
        .isEmpty();
    assertThat(check(zk, storageClass("standard", true, false)))
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .startsWith(
            "statefulset data/zk claim template data gets StorageClass standard (the cluster's"
                + " default class), which does not allow volume expansion");
  }

  @Test
  void warnsOfAClaimWithoutAClassWhenTheClusterHasNoDefault() {
    // Given
    StatefulSet zk = withClaim("zk", null);

    // When
    List<Finding> findings =
        check(zk, storageClass("standard", false, true), storageClass("fast", false, true));

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field())
                  .isEqualTo("spec.volumeClaimTemplates[data].spec.storageClassName");
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/zk claim template data names no StorageClass and the"
                          + " cluster has no default class (none of fast, standard is annotated"
                          + " storageclass.kubernetes.io/is-default-class: \"true\"): each"
                          + " member's PersistentVolumeClaim stays Pending unless a"
                          + " PersistentVolume without a class is made for it by hand; set"
                          + " storageClassName to one of fast, standard, or mark one class as the"
                          + " default");
            });
  }

  @Test
  void countsTheBetaDefaultAnnotation() {
    // Given
    StatefulSet zk = withClaim("zk", null);
    StorageClass legacy =
        new StorageClassBuilder(storageClass("legacy", false, true))
            .editMetadata()
            .addToAnnotations(StorageClassRule.BETA_DEFAULT_ANNOTATION, "true")
            .endMetadata()
            .build();

    // Then
    assertThat(check(zk, legacy)).isEmpty();
  }

  @Test
  void takesTheNewestOfSeveralDefaultsAsTheApiServerDoes() {
    // Given: two defaults; the newer cannot expand
    StatefulSet zk = withClaim("zk", null);
    StorageClass older = created(storageClass("old-default", true, true), "2024-01-01T00:00:00Z");
    StorageClass newer = created(storageClass("new-default", true, false), "2025-06-01T00:00:00Z");

    // When
    List<Finding> findings = check(zk, older, newer);

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .startsWith(
            "statefulset data/zk claim template data gets StorageClass new-default (the most"
                + " recently created of the 2 default classes new-default, old-default, which the"
                + " API server gives to claims naming none), which does not allow volume"
                + " expansion");
  }

  @Test
  void leavesAClaimThatAsksForNoClassAlone() {
    // Given: storageClassName "" binds only to volumes without a class
    StatefulSet zk = withClaim("zk", "");

    // Then
    assertThat(check(zk, storageClass("standard", false, false))).isEmpty();
  }

  @Test
  void readsTheClassFromTheBetaAnnotationFirst() {
    // Given: the annotation names a missing class, the field an existing one
    StatefulSet zk =
        new StatefulSetBuilder(withClaim("zk", "standard"))
            .editSpec()
            .editFirstVolumeClaimTemplate()
            .editMetadata()
            .addToAnnotations(StorageClassRule.BETA_CLASS_ANNOTATION, "gone")
            .endMetadata()
            .endVolumeClaimTemplate()
            .endSpec()
            .build();

    // When
    List<Finding> findings = check(zk, storageClass("standard", true, true));

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field())
                  .isEqualTo("spec.volumeClaimTemplates[data].metadata.annotations");
              assertThat(f.message()).contains("asks for StorageClass gone,");
            });
  }

  @Test
  void onUpdateReportsOnlyWhatTheNewMembersClaimsNeed() {
    // Given: the class is gone, and the class of another template cannot expand
    StatefulSet old =
        new StatefulSetBuilder(withClaim("zk", "gone"))
            .editSpec()
            .addNewVolumeClaimTemplate()
            .withNewMetadata()
            .withName("logs")
            .endMetadata()
            .withNewSpec()
            .withStorageClassName("local")
            .endSpec()
            .endVolumeClaimTemplate()
            .endSpec()
            .build();
    ClusterView view = view(old, storageClass("local", false, false));
    Policy policy = RuleHarness.policy(rule, Map.of());

    // When
    Verdict sameSize = RuleHarness.update(rule, old, scaled(old, 3), view, policy);
    Verdict grown = RuleHarness.update(rule, old, scaled(old, 5), view, policy);

    // Then: templates cannot change, so only claims about to be made matter
    assertThat(sameSize.findings()).isEmpty();
    assertThat(grown.findings())
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .startsWith(
            "scaling statefulset data/zk from 3 to 5 replicas creates claims for 2 new members:"
                + " statefulset data/zk claim template data asks for StorageClass gone,");
  }

  @Test
  void judgesNamedClassesButNotTheDefaultWhenTheViewCannotListClasses() {
    // Given: a view that knows classes by name but lists none
    ClusterView byNameOnly = new ByNameOnly(storageClass("standard", true, true));

    // Then
    assertThat(check(withClaim("zk", null), byNameOnly)).isEmpty();
    assertThat(check(withClaim("zk", "gone"), byNameOnly))
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains("asks for StorageClass gone, which the cluster does not have");
  }

  private List<Finding> check(StatefulSet set, StorageClass... classes) {
    List<HasMetadata> objects = new ArrayList<>(List.of(classes));
    objects.add(set);
    return RuleHarness.check(rule, set, view(objects.toArray(new HasMetadata[0])), Map.of());
  }

  private List<Finding> check(StatefulSet set, ClusterView view) {
    return RuleHarness.check(rule, set, view, Map.of());
  }

  /** A quorum set of 3 with one claim template {@code data} of {@code className}. */
  private static StatefulSet withClaim(String name, String className) {
    return new StatefulSetBuilder(quorumSet(name, 3))
        .editSpec()
        .addNewVolumeClaimTemplate()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .withNewSpec()
        .withStorageClassName(className)
        .withAccessModes("ReadWriteOnce")
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }

  private static StatefulSet scaled(StatefulSet set, int replicas) {
    return new StatefulSetBuilder(set).editSpec().withReplicas(replicas).endSpec().build();
  }

  static StorageClass storageClass(String name, boolean isDefault, boolean expands) {
    StorageClassBuilder builder =
        new StorageClassBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withProvisioner("ebs.csi.aws.com");
    if (isDefault) {
      builder
          .editMetadata()
          .addToAnnotations(StorageClassRule.DEFAULT_ANNOTATION, "true")
          .endMetadata();
    }
    if (expands) {
      builder.withAllowVolumeExpansion(true);
    }
    return builder.build();
  }

  private static StorageClass created(StorageClass sc, String timestamp) {
    return new StorageClassBuilder(sc)
        .editMetadata()
        .withCreationTimestamp(timestamp)
        .endMetadata()
        .build();
  }

  /** A view like a cache that answers by name, with the listing left at its default. */
  private record ByNameOnly(StorageClass only) implements ClusterView {
    @Override
    public Optional<Service> service(String namespace, String name) {
      return Optional.empty();
    }

    @Override
    public List<StatefulSet> statefulSets(String namespace) {
      return List.of();
    }

    @Override
    public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
      return List.of();
    }

    @Override
    public Optional<StorageClass> storageClass(String name) {
      return name.equals(only.getMetadata().getName()) ? Optional.of(only) : Optional.empty();
    }

    @Override
    public boolean storageClassesKnown() {
      return true;
    }
  }
}
