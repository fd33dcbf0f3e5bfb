package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatefulSetFieldsTest {

  @Test
  void readsApiDefaultsFromAnEmptySet() {
    // Given a set with nothing but metadata
    StatefulSet set = new StatefulSet();

    // When / Then: every field reads as the API server would default it
    assertThat(StatefulSetFields.replicas(set)).isEqualTo(1);
    assertThat(StatefulSetFields.podManagementPolicy(set)).isEqualTo("OrderedReady");
    assertThat(StatefulSetFields.updateStrategyType(set)).isEqualTo("RollingUpdate");
    assertThat(StatefulSetFields.rollingUpdate(set)).isTrue();
    assertThat(StatefulSetFields.partition(set)).isZero();
    assertThat(StatefulSetFields.maxUnavailable(set)).isEmpty();
    assertThat(StatefulSetFields.terminationGracePeriodSeconds(set)).isEqualTo(30);
    assertThat(StatefulSetFields.containers(set)).isEmpty();
    assertThat(StatefulSetFields.initContainers(set)).isEmpty();
  }

  @Test
  void readsSetValues() {
    // Given the fixture set, with a few fields changed
    StatefulSet set = StatefulSetFixtures.set("pg", 5);
    set.getSpec().setPodManagementPolicy("Parallel");
    set.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(2);
    set.getSpec().getUpdateStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString("40%"));

    // When / Then
    assertThat(StatefulSetFields.replicas(set)).isEqualTo(5);
    assertThat(StatefulSetFields.podManagementPolicy(set)).isEqualTo("Parallel");
    assertThat(StatefulSetFields.partition(set)).isEqualTo(2);
    assertThat(StatefulSetFields.maxUnavailable(set)).contains(new IntOrString("40%"));
    assertThat(StatefulSetFields.terminationGracePeriodSeconds(set)).isEqualTo(120);
    assertThat(StatefulSetFields.containers(set)).hasSize(1);
  }

  @ParameterizedTest(name = "{0} of {1} -> {2}")
  @CsvSource({
    "1, 3, 1",
    "2, 3, 2",
    "7, 3, 7",
    "0, 3, 1",
    "50%, 5, 2",
    "50%, 4, 2",
    "50%, 3, 1",
    "99%, 100, 99",
    "100%, 3, 3",
    "10%, 3, 1",
    "34%, 3, 1",
    "67%, 3, 2",
    "0%, 3, 1",
  })
  void scalesMaxUnavailableRoundingDownToAtLeastOne(String value, int replicas, int expected) {
    IntOrString maxUnavailable =
        value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));

    assertThat(StatefulSetFields.scaledMaxUnavailable(maxUnavailable, replicas)).hasValue(expected);
  }

  @Test
  void refusesToScaleValuesThatAreNeitherNumberNorPercentage() {
    assertThat(StatefulSetFields.scaledMaxUnavailable(new IntOrString("2"), 3))
        .isEqualTo(OptionalInt.empty());
    assertThat(StatefulSetFields.scaledMaxUnavailable(new IntOrString("half%"), 3)).isEmpty();
    assertThat(StatefulSetFields.scaledMaxUnavailable(new IntOrString(), 3)).isEmpty();
  }

  @Test
  void pluralisesCounts() {
    assertThat(StatefulSetFields.count(0, "failure")).isEqualTo("0 failures");
    assertThat(StatefulSetFields.count(1, "failure")).isEqualTo("1 failure");
    assertThat(StatefulSetFields.count(2, "failure")).isEqualTo("2 failures");
  }
}
