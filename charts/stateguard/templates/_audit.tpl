{{/*
The audit stream's settings for serve (STATEGUARD_AUDIT_*). Kafka producer properties travel as
STATEGUARD_AUDIT_KAFKA_PROPERTY_<NAME>, the property name upper-cased with dots as underscores;
secrets come from Secrets by reference, never as values in the chart.
*/}}

{{/* The producer properties the chart sets itself from audit.kafka.tls and audit.kafka.sasl. */}}
{{- define "stateguard.kafkaOwnProperties" -}}
{{- $kafka := .Values.audit.kafka }}
{{- $own := list }}
{{- if or $kafka.tls.enabled $kafka.sasl.mechanism }}
{{- $own = append $own "security.protocol" }}
{{- end }}
{{- if and $kafka.tls.enabled $kafka.tls.ca.secretName }}
{{- $own = concat $own (list "ssl.truststore.type" "ssl.truststore.certificates") }}
{{- end }}
{{- if and $kafka.tls.enabled $kafka.tls.clientCertificateSecret }}
{{- $own = concat $own (list "ssl.keystore.type" "ssl.keystore.certificate.chain" "ssl.keystore.key") }}
{{- end }}
{{- if $kafka.sasl.mechanism }}
{{- $own = concat $own (list "sasl.mechanism" "sasl.jaas.config") }}
{{- end }}
{{- join "," $own }}
{{- end }}

{{- define "stateguard.kafkaPropertyEnv" -}}
{{- printf "STATEGUARD_AUDIT_KAFKA_PROPERTY_%s" (. | upper | replace "." "_") }}
{{- end }}

{{- define "stateguard.auditEnv" -}}
{{- $audit := .Values.audit }}
{{- $kafka := $audit.kafka }}
{{- if not (or $audit.stdout $kafka.enabled) }}
{{- fail "audit: every decision is recorded somewhere: set audit.stdout=true, or audit.kafka.enabled=true with audit.kafka.bootstrapServers" }}
{{- end }}
- name: STATEGUARD_AUDIT_CLUSTER
  value: {{ $audit.cluster | quote }}
# The pod's root filesystem is read-only and a file in it would go with the pod: events go to
# standard output (the logs are on standard error) and to Kafka.
- name: STATEGUARD_AUDIT_FILE
  value: "off"
- name: STATEGUARD_AUDIT_STDOUT
  value: {{ $audit.stdout | toString | quote }}
- name: STATEGUARD_AUDIT_DURABILITY
  value: {{ $audit.durability | quote }}
{{- if $kafka.enabled }}
- name: STATEGUARD_AUDIT_KAFKA_BOOTSTRAP_SERVERS
  value: {{ required "audit.kafka.bootstrapServers is required with audit.kafka.enabled=true: host:port[,host:port...]" $kafka.bootstrapServers | quote }}
- name: STATEGUARD_AUDIT_KAFKA_TOPIC
  value: {{ $kafka.topic | quote }}
- name: STATEGUARD_AUDIT_SPOOL_DIR
  value: /var/lib/stateguard/audit-spool
- name: STATEGUARD_AUDIT_SPOOL_MAX_BYTES
  value: {{ $kafka.spool.maxBytes | quote }}
- name: STATEGUARD_AUDIT_SPOOL_WHEN_FULL
  value: {{ $kafka.spool.whenFull | quote }}
{{- if or $kafka.tls.enabled $kafka.sasl.mechanism }}
- name: {{ include "stateguard.kafkaPropertyEnv" "security.protocol" }}
  value: {{ printf "%s%s" (ternary "SASL_" "" (not (empty $kafka.sasl.mechanism))) (ternary "SSL" "PLAINTEXT" $kafka.tls.enabled) | quote }}
{{- end }}
{{- if and $kafka.tls.enabled $kafka.tls.ca.secretName }}
- name: {{ include "stateguard.kafkaPropertyEnv" "ssl.truststore.type" }}
  value: PEM
- name: {{ include "stateguard.kafkaPropertyEnv" "ssl.truststore.certificates" }}
  valueFrom:
    secretKeyRef:
      name: {{ $kafka.tls.ca.secretName }}
      key: {{ $kafka.tls.ca.key }}
{{- end }}
{{- if and $kafka.tls.enabled $kafka.tls.clientCertificateSecret }}
- name: {{ include "stateguard.kafkaPropertyEnv" "ssl.keystore.type" }}
  value: PEM
- name: {{ include "stateguard.kafkaPropertyEnv" "ssl.keystore.certificate.chain" }}
  valueFrom:
    secretKeyRef:
      name: {{ $kafka.tls.clientCertificateSecret }}
      key: tls.crt
- name: {{ include "stateguard.kafkaPropertyEnv" "ssl.keystore.key" }}
  valueFrom:
    secretKeyRef:
      name: {{ $kafka.tls.clientCertificateSecret }}
      key: tls.key
{{- end }}
{{- if $kafka.sasl.mechanism }}
{{- $module := ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $kafka.sasl.mechanism "PLAIN") }}
# Not STATEGUARD_*: read only by the kubelet, which puts them into the JAAS line below.
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "audit.kafka.sasl.secretName is required with audit.kafka.sasl.mechanism: a Secret holding the username and the password" $kafka.sasl.secretName }}
      key: {{ $kafka.sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $kafka.sasl.secretName }}
      key: {{ $kafka.sasl.passwordKey }}
- name: {{ include "stateguard.kafkaPropertyEnv" "sasl.mechanism" }}
  value: {{ $kafka.sasl.mechanism | quote }}
- name: {{ include "stateguard.kafkaPropertyEnv" "sasl.jaas.config" }}
  value: {{ printf "%s required username=\"$(KAFKA_SASL_USERNAME)\" password=\"$(KAFKA_SASL_PASSWORD)\";" $module | quote }}
{{- end }}
{{- $own := splitList "," (include "stateguard.kafkaOwnProperties" .) }}
{{- range $name, $value := $kafka.properties }}
{{- if has $name $own }}
{{- fail (printf "audit.kafka.properties.%s is set by the chart from audit.kafka.tls and audit.kafka.sasl: remove it, or configure it there" $name) }}
{{- end }}
- name: {{ include "stateguard.kafkaPropertyEnv" $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* The spool's volume, with Kafka on. */}}
{{- define "stateguard.spoolVolume" -}}
{{- $volume := .Values.audit.kafka.spool.volume }}
- name: audit-spool
  {{- if eq $volume.type "ephemeral" }}
  ephemeral:
    volumeClaimTemplate:
      metadata:
        labels:
          {{- include "stateguard.selectorLabels" . | nindent 10 }}
      spec:
        accessModes: ["ReadWriteOnce"]
        {{- with $volume.storageClassName }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ $volume.size }}
  {{- else }}
  emptyDir:
    sizeLimit: {{ $volume.size }}
  {{- end }}
{{- end }}
