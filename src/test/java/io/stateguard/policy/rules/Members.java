package io.stateguard.policy.rules;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Operation;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.WorkloadClass;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** StatefulSets and their pods as the API server returns them, for the delete guards' tests. */
public final class Members {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Members() {}

  /** A quorum-class set {@code namespace/name} of {@code replicas}. */
  public static StatefulSet set(String namespace, String name, int replicas) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(name + "-uid")
        .withLabels(Map.of("app", name, WorkloadClass.LABEL, "quorum"))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(name)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("example.invalid/zookeeper:3.9")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Member {@code ordinal} of {@code set}: Ready when {@code ready}. */
  public static Pod pod(StatefulSet set, int ordinal, boolean ready) {
    String setName = set.getMetadata().getName();
    String name = setName + "-" + ordinal;
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(set.getMetadata().getNamespace())
        .withName(name)
        .withUid(name + "-uid")
        .withLabels(
            Map.of(
                "app",
                setName,
                "statefulset.kubernetes.io/pod-name",
                name,
                "apps.kubernetes.io/pod-index",
                Integer.toString(ordinal)))
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("StatefulSet")
        .withName(setName)
        .withUid(set.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("example.invalid/zookeeper:3.9")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  /** Every member of {@code set}, all Ready. */
  public static List<Pod> ready(StatefulSet set) {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < set.getSpec().getReplicas(); i++) {
      pods.add(pod(set, i, true));
    }
    return pods;
  }

  /** A Pod DELETE of {@code pod} by {@code user}. */
  public static Admission delete(String uid, Pod pod, UserInfo user, boolean dryRun) {
    return new Admission(
        uid,
        Operation.DELETE,
        "Pod",
        "",
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        Optional.empty(),
        Optional.of(pod),
        Optional.empty(),
        user,
        dryRun);
  }

  public static final UserInfo ADMIN =
      new UserInfo("kube-admin", List.of("system:masters", "system:authenticated"));

  /** A review a real API server sent, from the test resources of {@code ApiServerFixtures}. */
  public static AdmissionReview review(String file) {
    try (InputStream in = Members.class.getResourceAsStream("/ApiServerFixtures/" + file)) {
      return JSON.readValue(in, AdmissionReview.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
