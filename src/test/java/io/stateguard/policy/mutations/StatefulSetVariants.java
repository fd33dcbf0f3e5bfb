package io.stateguard.policy.mutations;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeAffinityBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodAntiAffinityBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates StatefulSets that differ in everything the mutations look at: the selector, every kind
 * of affinity (none, node, pod, anti-affinity on the set's own pods or on others', in its namespace
 * or another), spread constraints, retention policies chosen or not, claim templates, annotations.
 * Seeded, so a failure names a variant that can be made again.
 */
final class StatefulSetVariants {

  private static final String HOSTNAME = "kubernetes.io/hostname";
  private static final String ZONE = "topology.kubernetes.io/zone";

  /** One generated set and what it was made with, for messages. */
  record Variant(String description, StatefulSet set) {
    @Override
    public String toString() {
      return description;
    }
  }

  private StatefulSetVariants() {}

  static List<Variant> generate(long seed, int count) {
    Random random = new Random(seed);
    List<Variant> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(variant(i, random));
    }
    return out;
  }

  private static Variant variant(int index, Random random) {
    List<String> traits = new ArrayList<>();
    boolean expressions = random.nextBoolean();
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addToMatchLabels("app", "db")
            .withMatchExpressions(
                expressions
                    ? List.of(new LabelSelectorRequirement("tier", "In", List.of("data")))
                    : List.of())
            .build();
    traits.add(expressions ? "selector with expressions" : "selector of labels");
    StatefulSet set =
        new StatefulSetBuilder()
            .withApiVersion("apps/v1")
            .withKind("StatefulSet")
            .withNewMetadata()
            .withName("db-" + index)
            .withNamespace("data")
            .addToLabels("app", "db")
            .endMetadata()
            .withNewSpec()
            .withReplicas(1 + random.nextInt(5))
            .withServiceName("db")
            .withSelector(selector)
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "db")
            .addToLabels("tier", "data")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("db")
            .withImage("postgres:16.3")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    affinity(set, random, traits);
    spread(set, random, traits);
    retention(set, random, traits);
    annotations(set, random, traits);
    return new Variant("variant " + index + ": " + String.join(", ", traits), set);
  }

  private static void affinity(StatefulSet set, Random random, List<String> traits) {
    var pod = set.getSpec().getTemplate().getSpec();
    int kind = random.nextInt(9);
    Affinity affinity = new Affinity();
    switch (kind) {
      case 0 -> {
        traits.add("no affinity");
        return;
      }
      case 1 -> traits.add("empty affinity");
      case 2 -> {
        traits.add("node affinity");
        affinity.setNodeAffinity(
            new NodeAffinityBuilder()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addNewMatchExpression()
                .withKey("pool")
                .withOperator("In")
                .withValues("db")
                .endMatchExpression()
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .build());
      }
      case 3 -> {
        traits.add("pod affinity to a cache");
        affinity.setPodAffinity(
            new PodAffinityBuilder()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(5)
                .withPodAffinityTerm(term(Map.of("app", "cache"), HOSTNAME, null))
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .build());
      }
      case 4 -> {
        traits.add("required anti-affinity on its own pods");
        affinity.setPodAntiAffinity(
            new PodAntiAffinityBuilder()
                .addToRequiredDuringSchedulingIgnoredDuringExecution(
                    term(Map.of("app", "db"), random.nextBoolean() ? HOSTNAME : ZONE, null))
                .build());
      }
      case 5 -> {
        traits.add("preferred anti-affinity on its own pods over a rack label");
        affinity.setPodAntiAffinity(
            new PodAntiAffinityBuilder()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(1 + random.nextInt(100))
                .withPodAffinityTerm(term(Map.of("app", "db"), "example.com/rack", null))
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .build());
      }
      case 6 -> {
        traits.add("anti-affinity on other pods");
        affinity.setPodAntiAffinity(
            new PodAntiAffinityBuilder()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(20)
                .withPodAffinityTerm(term(Map.of("app", "kafka"), HOSTNAME, null))
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .addToRequiredDuringSchedulingIgnoredDuringExecution(
                    term(Map.of("app", "etcd"), ZONE, null))
                .build());
      }
      case 7 -> {
        traits.add("anti-affinity on its own labels in another namespace");
        affinity.setPodAntiAffinity(
            new PodAntiAffinityBuilder()
                .addToRequiredDuringSchedulingIgnoredDuringExecution(
                    term(Map.of("app", "db"), HOSTNAME, List.of("elsewhere")))
                .build());
      }
      default -> {
        traits.add("empty pod anti-affinity");
        affinity.setPodAntiAffinity(new PodAntiAffinity());
      }
    }
    pod.setAffinity(affinity);
  }

  private static PodAffinityTerm term(
      Map<String, String> labels, String key, List<String> namespaces) {
    return new PodAffinityTermBuilder()
        .withNewLabelSelector()
        .withMatchLabels(new LinkedHashMap<>(labels))
        .endLabelSelector()
        .withTopologyKey(key)
        .withNamespaces(namespaces)
        .build();
  }

  private static void spread(StatefulSet set, Random random, List<String> traits) {
    int kind = random.nextInt(4);
    if (kind == 0) {
      traits.add("no spread");
      return;
    }
    String key = kind == 1 ? ZONE : HOSTNAME;
    Map<String, String> labels = kind == 3 ? Map.of("app", "other") : Map.of("app", "db");
    traits.add("spread on " + key + (kind == 3 ? " of other pods" : ""));
    set.getSpec()
        .getTemplate()
        .getSpec()
        .setTopologySpreadConstraints(
            List.of(
                new TopologySpreadConstraintBuilder()
                    .withNewLabelSelector()
                    .withMatchLabels(new LinkedHashMap<>(labels))
                    .endLabelSelector()
                    .withMaxSkew(1)
                    .withTopologyKey(key)
                    .withWhenUnsatisfiable("DoNotSchedule")
                    .build()));
  }

  private static void retention(StatefulSet set, Random random, List<String> traits) {
    if (random.nextInt(4) > 0) {
      traits.add("claim templates");
      set.getSpec()
          .getVolumeClaimTemplates()
          .add(
              new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName("data")
                  .endMetadata()
                  .withNewSpec()
                  .withAccessModes("ReadWriteOnce")
                  .withNewResources()
                  .addToRequests("storage", new Quantity("1Gi"))
                  .endResources()
                  .endSpec()
                  .build());
    } else {
      traits.add("no claim templates");
    }
    String[][] choices = {
      null, {"Retain", "Retain"}, {"Delete", "Retain"}, {"Retain", "Delete"}, {"Delete", "Delete"}
    };
    String[] choice = choices[random.nextInt(choices.length)];
    if (choice == null) {
      traits.add("retention absent");
      return;
    }
    traits.add("retention " + choice[0] + "/" + choice[1]);
    set.getSpec()
        .setPersistentVolumeClaimRetentionPolicy(
            new StatefulSetPersistentVolumeClaimRetentionPolicy(choice[0], choice[1]));
  }

  private static void annotations(StatefulSet set, Random random, List<String> traits) {
    Map<String, String> annotations = new LinkedHashMap<>();
    switch (random.nextInt(5)) {
      case 0 -> traits.add("no annotations");
      case 1 -> {
        traits.add("other annotations");
        annotations.put("team", "payments");
      }
      case 2 -> {
        traits.add("mutated before");
        annotations.put("stateguard.io/mutated", "legacy-thing");
      }
      case 3 -> {
        traits.add("pvc-retention explicit");
        annotations.put("stateguard.io/explicit", "pvc-retention");
      }
      default -> {
        traits.add("anti-affinity explicit");
        annotations.put("stateguard.io/explicit", "anti-affinity");
      }
    }
    set.getMetadata().setAnnotations(annotations);
  }

  /** Every anti-affinity term of the pod template, required and preferred, in order. */
  static List<PodAffinityTerm> antiAffinityTerms(StatefulSet set) {
    var pod = set.getSpec().getTemplate().getSpec();
    List<PodAffinityTerm> terms = new ArrayList<>();
    if (pod.getAffinity() != null && pod.getAffinity().getPodAntiAffinity() != null) {
      PodAntiAffinity anti = pod.getAffinity().getPodAntiAffinity();
      if (anti.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
        terms.addAll(anti.getRequiredDuringSchedulingIgnoredDuringExecution());
      }
      if (anti.getPreferredDuringSchedulingIgnoredDuringExecution() != null) {
        for (WeightedPodAffinityTerm w :
            anti.getPreferredDuringSchedulingIgnoredDuringExecution()) {
          terms.add(w.getPodAffinityTerm());
        }
      }
    }
    return terms;
  }
}
