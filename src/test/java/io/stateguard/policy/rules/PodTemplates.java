package io.stateguard.policy.rules;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Finding;
import io.stateguard.policy.WorkloadClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * StatefulSets for the workload rules' tests: a clean one that every such rule accepts, and small
 * ways to spoil one part of it.
 */
final class PodTemplates {

  private static final ObjectMapper YAML =
      new YAMLMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /**
   * A PostgreSQL set {@code data/pg} of class database, 3 replicas, that passes pvc-retention,
   * volume-claim-templates, anti-affinity, security-context (read-only root included), resources,
   * image-tag and known-traps.
   */
  static final String CLEAN =
      """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: pg
        namespace: data
        labels:
          app: pg
          stateguard.io/class: database
      spec:
        replicas: 3
        serviceName: pg
        selector:
          matchLabels:
            app: pg
        persistentVolumeClaimRetentionPolicy:
          whenDeleted: Retain
          whenScaled: Retain
        template:
          metadata:
            labels:
              app: pg
              app.kubernetes.io/version: "16.4"
          spec:
            securityContext:
              runAsNonRoot: true
              runAsUser: 999
              fsGroup: 999
            affinity:
              podAntiAffinity:
                preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    podAffinityTerm:
                      topologyKey: kubernetes.io/hostname
                      labelSelector:
                        matchLabels:
                          app: pg
            initContainers:
              - name: init
                image: registry.example:5000/tools/pg-init:2.1
                command: ["pg-init", "--data", "/var/lib/postgresql/data"]
                securityContext:
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                volumeMounts:
                  - name: data
                    mountPath: /var/lib/postgresql/data
            containers:
              - name: db
                image: postgres:16.4
                env:
                  - name: POD_NAME
                    valueFrom:
                      fieldRef:
                        fieldPath: metadata.name
                  - name: PGDATA
                    value: /var/lib/postgresql/data/$(POD_NAME)
                resources:
                  requests:
                    cpu: 500m
                    memory: 1Gi
                  limits:
                    memory: 1Gi
                securityContext:
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                volumeMounts:
                  - name: data
                    mountPath: /var/lib/postgresql/data
                  - name: run
                    mountPath: /var/run/postgresql
            volumes:
              - name: run
                emptyDir: {}
        volumeClaimTemplates:
          - metadata:
              name: data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 10Gi
      """;

  private PodTemplates() {}

  /** A fresh copy of {@link #CLEAN}. */
  static StatefulSet clean() {
    return RuleHarness.parse(CLEAN, StatefulSet.class);
  }

  /** A StatefulSet from YAML. */
  static StatefulSet parse(String yaml) {
    return RuleHarness.parse(yaml, StatefulSet.class);
  }

  /** A part of an object (an Affinity, a SecurityContext, ...) from YAML. */
  static <T> T fragment(String yaml, Class<T> type) {
    try {
      return YAML.readValue(yaml, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PodSpec pod(StatefulSet set) {
    return set.getSpec().getTemplate().getSpec();
  }

  /** The container or init container named {@code name}. */
  static Container container(StatefulSet set, String name) {
    PodSpec pod = pod(set);
    return Stream.concat(
            pod.getContainers() == null ? Stream.empty() : pod.getContainers().stream(),
            pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream())
        .filter(c -> name.equals(c.getName()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no container " + name));
  }

  /** Gives the set the workload class {@code cls} by its label. */
  static StatefulSet withClass(StatefulSet set, WorkloadClass cls) {
    Map<String, String> labels = new HashMap<>(set.getMetadata().getLabels());
    labels.put(WorkloadClass.LABEL, cls.id());
    set.getMetadata().setLabels(labels);
    return set;
  }

  static StatefulSet withAnnotation(StatefulSet set, String key, String value) {
    Map<String, String> annotations =
        set.getMetadata().getAnnotations() == null
            ? new HashMap<>()
            : new HashMap<>(set.getMetadata().getAnnotations());
    annotations.put(key, value);
    set.getMetadata().setAnnotations(annotations);
    return set;
  }

  static List<String> messages(List<Finding> findings) {
    return findings.stream().map(Finding::message).toList();
  }

  static List<String> fields(List<Finding> findings) {
    return findings.stream().map(Finding::field).toList();
  }
}
