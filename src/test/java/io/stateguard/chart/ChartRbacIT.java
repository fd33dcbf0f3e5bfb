package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Least privilege, for every values file: no wildcard anywhere, and exactly the grants stateguard
 * needs: reading what the rules look at across the cluster, and in its own namespace only, the
 * ledger's Leases and reading its own certificate Secret by name. With self-managed certificates
 * also reading and patching its own two webhook configurations by name, updating its certificate
 * Secret by name, and creating Secrets (create cannot be limited by name).
 */
class ChartRbacIT {

  static List<Chart.ValueSet> valueSets() {
    return Chart.valueSets();
  }

  /** One verb on one resource, with the names it is limited to ("" for all of the kind). */
  private record Grant(String group, String resource, String verb, String name) {
    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "" : group + "/")
          + resource
          + (name.isEmpty() ? "" : " " + name);
    }
  }

  private static Set<Grant> grants(List<PolicyRule> rules) {
    Set<Grant> grants = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    for (PolicyRule rule : rules) {
      assertThat(rule.getNonResourceURLs()).as("%s", rule).isNullOrEmpty();
      List<String> names =
          rule.getResourceNames().isEmpty() ? List.of("") : rule.getResourceNames();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            for (String name : names) {
              grants.add(new Grant(group, resource, verb, name));
            }
          }
        }
      }
    }
    return grants;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void grantsNoWildcard(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    List<PolicyRule> rules = new ArrayList<>(rendered.one(ClusterRole.class).getRules());
    rules.addAll(rendered.one(Role.class).getRules());

    // Then
    assertThat(rules)
        .allSatisfy(
            rule ->
                assertThat(
                        Stream.of(
                                rule.getApiGroups(),
                                rule.getResources(),
                                rule.getVerbs(),
                                rule.getResourceNames())
                            .flatMap(List::stream))
                    .as("%s", rule)
                    .noneMatch(s -> s.contains("*")));
    assertThat(rendered.one(ClusterRole.class).getAggregationRule()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void grantsClusterWideOnlyReadsAndPatchingItsOwnWebhookConfigurations(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    String validating = rendered.one(ValidatingWebhookConfiguration.class).getMetadata().getName();
    rendered
        .optional(MutatingWebhookConfiguration.class)
        .ifPresent(m -> assertThat(m.getMetadata().getName()).isEqualTo(validating));
    Set<Grant> expected = grants(List.of());
    for (String verb : List.of("get", "list", "watch")) {
      expected.add(new Grant("apps", "statefulsets", verb, ""));
      expected.add(new Grant("", "pods", verb, ""));
      expected.add(new Grant("", "services", verb, ""));
      expected.add(new Grant("policy", "poddisruptionbudgets", verb, ""));
      expected.add(new Grant("storage.k8s.io", "storageclasses", verb, ""));
    }
    if (self(set)) {
      for (String verb : List.of("get", "patch")) {
        expected.add(
            new Grant(
                "admissionregistration.k8s.io",
                "validatingwebhookconfigurations",
                verb,
                validating));
        expected.add(
            new Grant(
                "admissionregistration.k8s.io", "mutatingwebhookconfigurations", verb, validating));
      }
    }

    // Then
    assertThat(grants(rendered.one(ClusterRole.class).getRules()))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void grantsTheLedgerAndItsCertificateSecretOnlyInItsOwnNamespace(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    Role role = rendered.one(Role.class);
    String secret = ChartWorkloadIT.certificateSecret(set, rendered);
    Set<Grant> expected = grants(List.of());
    // The ledger reads one Lease by name, creates it, updates it: nothing more.
    for (String verb : List.of("get", "create", "update")) {
      expected.add(new Grant("coordination.k8s.io", "leases", verb, ""));
    }
    expected.add(new Grant("", "secrets", "get", secret));
    if (self(set)) {
      expected.add(new Grant("", "secrets", "update", secret));
      expected.add(new Grant("", "secrets", "create", ""));
    }

    // Then
    assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(grants(role.getRules())).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static boolean self(Chart.ValueSet set) {
    return set.at("/certificates/mode").asText().equals("self");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void bindsTheRolesToTheServiceAccountThePodsRunAs(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    String account =
        rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName();
    Subject subject = new Subject(null, "ServiceAccount", account, Chart.NAMESPACE);
    ClusterRoleBinding clusterBinding = rendered.one(ClusterRoleBinding.class);
    RoleBinding binding = rendered.one(RoleBinding.class);

    // Then
    assertThat(rendered.one(ServiceAccount.class).getMetadata().getName()).isEqualTo(account);
    assertThat(clusterBinding.getSubjects()).containsExactly(subject);
    assertThat(clusterBinding.getRoleRef())
        .isEqualTo(
            new RoleRef(
                "rbac.authorization.k8s.io",
                "ClusterRole",
                rendered.one(ClusterRole.class).getMetadata().getName()));
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(binding.getSubjects()).containsExactly(subject);
    assertThat(binding.getRoleRef())
        .isEqualTo(
            new RoleRef(
                "rbac.authorization.k8s.io",
                "Role",
                rendered.one(Role.class).getMetadata().getName()));
  }
}
