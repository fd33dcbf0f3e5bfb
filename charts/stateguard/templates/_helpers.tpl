{{/*
The chart's name, and the release's full name (at most 63 characters, as a label value must be).
*/}}
{{- define "stateguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "stateguard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "stateguard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "stateguard.labels" -}}
helm.sh/chart: {{ include "stateguard.chart" . }}
{{ include "stateguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels that select stateguard's own pods. */}}
{{- define "stateguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stateguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "stateguard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "stateguard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The two webhook configurations share the release's full name (RBAC names them). */}}
{{- define "stateguard.webhookConfigurationName" -}}
{{- include "stateguard.fullname" . }}
{{- end }}

{{/* The Secret holding tls.crt and tls.key. */}}
{{- define "stateguard.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "provided" }}
{{- required "certificates.provided.secretName is required with certificates.mode=provided: the name of a kubernetes.io/tls Secret in the release namespace" .Values.certificates.provided.secretName }}
{{- else }}
{{- printf "%s-tls" (include "stateguard.fullname" .) }}
{{- end }}
{{- end }}

{{/*
certificates.mode=self: where serve keeps its certificate (the Secret, in the release namespace),
what it covers (the Service's names), whose caBundle it sets, and the folder the server loads from.
*/}}
{{- define "stateguard.selfCertificatesEnv" -}}
- name: STATEGUARD_CERTS_MODE
  value: self
- name: STATEGUARD_CERTS_SECRET
  value: {{ include "stateguard.tlsSecretName" . | quote }}
- name: STATEGUARD_CERTS_NAMESPACE
  value: {{ .Release.Namespace | quote }}
- name: STATEGUARD_CERTS_SERVICE
  value: {{ include "stateguard.fullname" . | quote }}
- name: STATEGUARD_CERTS_VALIDATING_WEBHOOK
  value: {{ include "stateguard.webhookConfigurationName" . | quote }}
- name: STATEGUARD_CERTS_MUTATING_WEBHOOK
  value: {{ ternary (include "stateguard.webhookConfigurationName" .) "none" .Values.webhooks.mutate.enabled | quote }}
- name: STATEGUARD_CERTS_DIR
  value: /etc/stateguard/tls
- name: STATEGUARD_CERTS_VALIDITY
  value: {{ .Values.certificates.self.validity | quote }}
{{- with .Values.certificates.self.renewBefore }}
- name: STATEGUARD_CERTS_RENEW_BEFORE
  value: {{ . | quote }}
{{- end }}
- name: STATEGUARD_CERTS_CA_VALIDITY
  value: {{ .Values.certificates.self.caValidity | quote }}
- name: STATEGUARD_CERTS_CHECK_INTERVAL
  value: {{ .Values.certificates.self.checkInterval | quote }}
{{- end }}

{{- define "stateguard.certificateName" -}}
{{- printf "%s-serving" (include "stateguard.fullname" .) }}
{{- end }}

{{- define "stateguard.policiesConfigMapName" -}}
{{- printf "%s-policies" (include "stateguard.fullname" .) }}
{{- end }}

{{- define "stateguard.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
What every webhook of both configurations shares: the API version of the reviews, the timeout,
how rules match other API versions, and the namespaces never sent: kube-system and stateguard's
own namespace always (so stateguard can never block the control plane or its own recovery), and
those of webhooks.excludeNamespaces.
*/}}
{{- define "stateguard.webhookCommon" -}}
admissionReviewVersions: ["v1"]
timeoutSeconds: {{ .Values.webhooks.timeoutSeconds }}
matchPolicy: Equivalent
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
        {{- $excluded := concat (list "kube-system" .Release.Namespace) .Values.webhooks.excludeNamespaces | uniq }}
        {{- range $excluded }}
        - {{ . | quote }}
        {{- end }}
{{- end }}

{{/* The clientConfig of a webhook: the Service, a path, and the CA in provided mode. */}}
{{- define "stateguard.clientConfig" -}}
clientConfig:
  service:
    name: {{ include "stateguard.fullname" .root }}
    namespace: {{ .root.Release.Namespace }}
    path: {{ .path }}
    port: {{ .root.Values.service.port }}
  {{- if eq .root.Values.certificates.mode "provided" }}
  caBundle: {{ required "certificates.provided.caBundle is required with certificates.mode=provided: the base64 PEM of the CA that signed the Secret's certificate" .root.Values.certificates.provided.caBundle }}
  {{- end }}
{{- end }}

{{/* The Certificate whose CA cert-manager injects into both webhook configurations. */}}
{{- define "stateguard.injectCaFrom" -}}
{{- printf "%s/%s" .Release.Namespace (include "stateguard.certificateName" .) }}
{{- end }}
