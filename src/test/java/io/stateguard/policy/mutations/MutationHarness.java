package io.stateguard.policy.mutations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.config.PolicyException;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Engines, admissions and JSON trees for the mutation tests. */
final class MutationHarness {

  static final ObjectMapper JSON = new ObjectMapper();
  static final YAMLMapper YAML = new YAMLMapper();

  private MutationHarness() {}

  /** An engine with every rule and mutation, under the policies of one policy text. */
  static PolicyEngine engine(String policyYaml) {
    try {
      return new PolicyEngine(
          PolicyLoader.load(
                  "policy.yaml",
                  policyYaml,
                  Rules.all().stream().map(Rule::info).toList(),
                  Mutations.all().stream().map(Mutation::info).toList())
              .policySet(),
          Rules.all(),
          Mutations.all());
    } catch (PolicyException e) {
      throw new AssertionError("test policy does not load: " + e.getMessage(), e);
    }
  }

  static PolicyEngine engine(Path policyFile) {
    try {
      return engine(Files.readString(policyFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static StatefulSet statefulSet(JsonNode tree) {
    try {
      return JSON.treeToValue(tree, StatefulSet.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(Object object) {
    return JSON.valueToTree(object);
  }

  static Admission create(StatefulSet set) {
    return admission(Operation.CREATE, set, null, UserInfo.NONE);
  }

  static Admission update(StatefulSet old, StatefulSet updated) {
    return admission(Operation.UPDATE, updated, old, UserInfo.NONE);
  }

  static Admission admission(Operation operation, StatefulSet set, StatefulSet old, UserInfo user) {
    return new Admission(
        "uid-" + set.getMetadata().getName(),
        operation,
        "StatefulSet",
        "",
        set.getMetadata().getNamespace(),
        set.getMetadata().getName(),
        Optional.of(set),
        Optional.ofNullable(old),
        Optional.empty(),
        user,
        false);
  }
}
