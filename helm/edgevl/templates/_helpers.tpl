{{/*
Names, labels, images and the wiring every edgevl container shares. Paths inside the containers are fixed
here, not in values: they are how the chart talks to the services, not something to tune.
*/}}

{{- define "edgevl.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped base name; components append their own suffix (kept within 63 characters). */}}
{{- define "edgevl.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* A component's object name: {{ include "edgevl.componentName" (list . "frame-sync") }} */}}
{{- define "edgevl.componentName" -}}
{{- $ctx := index . 0 }}
{{- printf "%s-%s" (include "edgevl.fullname" $ctx) (index . 1) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "edgevl.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object: (list . "component") */}}
{{- define "edgevl.labels" -}}
{{- $ctx := index . 0 -}}
helm.sh/chart: {{ include "edgevl.chart" $ctx }}
{{ include "edgevl.selectorLabels" . }}
app.kubernetes.io/version: {{ $ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
app.kubernetes.io/part-of: edgevl
{{- end }}

{{/* Labels that select a component's pods: (list . "component") */}}
{{- define "edgevl.selectorLabels" -}}
{{- $ctx := index . 0 -}}
app.kubernetes.io/name: {{ include "edgevl.name" $ctx }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* repository@digest when a digest is given, else repository:tag (tag defaults to the chart's appVersion). */}}
{{- define "edgevl.imageRef" -}}
{{- $image := index . 0 }}
{{- $ctx := index . 1 }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (default $ctx.Chart.AppVersion $image.tag | toString) }}
{{- end }}
{{- end }}

{{- define "edgevl.image" -}}
{{- include "edgevl.imageRef" (list .Values.image .) }}
{{- end }}

{{- define "edgevl.flinkImage" -}}
{{- include "edgevl.imageRef" (list .Values.flinkImage .) }}
{{- end }}

{{- define "edgevl.configName" -}}
{{- include "edgevl.componentName" (list . "config") }}
{{- end }}

{{/*
A component's settings as a properties file: the shared settings, then the component's (which win).
YAML numbers arrive as floats; whole ones are written without an exponent (1000000, not 1e+06).
*/}}
{{- define "edgevl.propertiesFile" -}}
{{- $ctx := index . 0 }}
{{- $settings := merge (deepCopy (index . 1 | default dict)) (deepCopy ($ctx.Values.settings | default dict)) }}
{{- $lines := list }}
{{- range $key, $value := $settings }}
{{- if and (kindIs "float64" $value) (eq $value (float64 (int64 $value))) }}
{{- $lines = append $lines (printf "%s=%d" $key (int64 $value)) }}
{{- else }}
{{- $lines = append $lines (printf "%s=%s" $key ($value | toString | replace "\\" "\\\\" | replace "\n" "\\n")) }}
{{- end }}
{{- end }}
{{- if $lines }}
{{- join "\n" $lines }}
{{- else }}
{{- "# nothing set here: the defaults apply" }}
{{- end }}
{{- end }}

{{/* The environment variable that carries a setting: EDGEVL_ + the key in upper case, '.' and '-' as '_'. */}}
{{- define "edgevl.envName" -}}
{{- printf "EDGEVL_%s" (. | upper | replace "." "_" | replace "-" "_") }}
{{- end }}

{{- define "edgevl.secretEnv" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ (index . 1).name | quote }}
      key: {{ (index . 1).key | quote }}
{{- end }}

{{/*
The SASL credentials of one service (list $kafka "frameSync"): kafka.sasl, with kafka.sasl.services.<service> over it.
A service's own passwordSecret or jaasConfigSecret replaces the shared one whole.
*/}}
{{- define "edgevl.sasl" -}}
{{- $kafka := index . 0 -}}
{{- $own := get ($kafka.sasl.services | default dict) (index . 1) | default dict -}}
{{- $sasl := omit $kafka.sasl "services" -}}
{{- if $own.jaasConfigSecret -}}
{{- $_ := set $sasl "jaasConfigSecret" (merge (deepCopy $own.jaasConfigSecret) $kafka.sasl.jaasConfigSecret) -}}
{{- else if $own.username -}}
{{- $_ := set $sasl "username" $own.username -}}
{{- $_ := set $sasl "passwordSecret" (merge (deepCopy ($own.passwordSecret | default dict)) $kafka.sasl.passwordSecret) -}}
{{- $_ := set $sasl "jaasConfigSecret" (dict "name" "" "key" "sasl.jaas.config") -}}
{{- end -}}
{{- toYaml $sasl -}}
{{- end }}

{{/*
How every process reaches Kafka and the schema registry, as EDGEVL_* variables the typed settings read.
Secrets stay in their Secrets (secretKeyRef); certificates are files from mounted Secrets.
*/}}
{{- define "edgevl.connectionEnv" -}}
{{- $root := index . 0 -}}
{{- $kafka := $root.Values.kafka -}}
{{- $sasl := include "edgevl.sasl" (list $kafka (index . 1)) | fromYaml -}}
- name: EDGEVL_KAFKA_BOOTSTRAP_SERVERS
  value: {{ required "kafka.bootstrapServers is required: the bootstrap servers of your Kafka cluster, e.g. --set kafka.bootstrapServers=my-cluster-kafka-bootstrap.kafka:9093" $kafka.bootstrapServers | quote }}
- name: EDGEVL_KAFKA_SECURITY_PROTOCOL
  value: {{ $kafka.securityProtocol | quote }}
{{- if $kafka.tls.caSecret.name }}
- name: EDGEVL_KAFKA_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: EDGEVL_KAFKA_SSL_TRUSTSTORE_LOCATION
  value: {{ printf "/etc/edgevl/kafka-ca/%s" $kafka.tls.caSecret.key | quote }}
{{- end }}
{{- with $kafka.tls.clientSecret }}
{{- if .name }}
- name: EDGEVL_KAFKA_SSL_KEYSTORE_TYPE
  value: PEM
{{ include "edgevl.secretEnv" (list "EDGEVL_KAFKA_SSL_KEYSTORE_CERTIFICATE_CHAIN" (dict "name" .name "key" .certificateKey)) }}
{{ include "edgevl.secretEnv" (list "EDGEVL_KAFKA_SSL_KEYSTORE_KEY" (dict "name" .name "key" .privateKeyKey)) }}
{{- end }}
{{- end }}
{{- if hasPrefix "SASL_" $kafka.securityProtocol }}
- name: EDGEVL_KAFKA_SASL_MECHANISM
  value: {{ $sasl.mechanism | quote }}
{{- if $sasl.jaasConfigSecret.name }}
{{ include "edgevl.secretEnv" (list "EDGEVL_KAFKA_SASL_JAAS_CONFIG" $sasl.jaasConfigSecret) }}
{{- else }}
{{- $module := ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $sasl.mechanism "PLAIN") }}
{{- /* Not an EDGEVL_ variable: Kubernetes expands $(KAFKA_SASL_PASSWORD) into the JAAS line below. */}}
{{ include "edgevl.secretEnv" (list "KAFKA_SASL_PASSWORD" $sasl.passwordSecret) }}
- name: EDGEVL_KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "%s required username=\"%s\" password=\"$(KAFKA_SASL_PASSWORD)\";" $module $sasl.username | quote }}
{{- end }}
{{- end }}
{{- range $key, $value := $kafka.properties }}
- name: {{ include "edgevl.envName" (printf "kafka.%s" $key) }}
  value: {{ $value | toString | quote }}
{{- end }}
- name: EDGEVL_SERDE_FORMAT
  value: {{ $root.Values.serde.format | quote }}
{{- with $root.Values.schemaRegistry }}
{{- if .url }}
- name: EDGEVL_REGISTRY_URL
  value: {{ .url | quote }}
- name: EDGEVL_REGISTRY_AUTO_REGISTER
  value: {{ .autoRegister | quote }}
{{- if .basicAuthSecret.name }}
{{ include "edgevl.secretEnv" (list "EDGEVL_REGISTRY_BASIC_AUTH_USER_INFO" .basicAuthSecret) }}
{{- end }}
{{- if .bearerTokenSecret.name }}
{{ include "edgevl.secretEnv" (list "EDGEVL_REGISTRY_BEARER_TOKEN" .bearerTokenSecret) }}
{{- end }}
{{- if .caSecret.name }}
- name: EDGEVL_REGISTRY_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: EDGEVL_REGISTRY_SSL_TRUSTSTORE_LOCATION
  value: {{ printf "/etc/edgevl/registry-ca/%s" .caSecret.key | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* JAVA_TOOL_OPTIONS when set, then a component's extraEnv. */}}
{{- define "edgevl.extraEnv" -}}
{{- $ctx := index . 0 }}
{{- if $ctx.Values.javaToolOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ $ctx.Values.javaToolOptions | quote }}
{{- end }}
{{- with index . 1 }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The CA files named by connectionEnv, as volumes and mounts. */}}
{{- define "edgevl.connectionVolumes" -}}
{{- with .Values.kafka.tls.caSecret }}
{{- if .name }}
- name: kafka-ca
  secret:
    secretName: {{ .name | quote }}
    items:
      - key: {{ .key | quote }}
        path: {{ .key | quote }}
{{- end }}
{{- end }}
{{- with .Values.schemaRegistry.caSecret }}
{{- if and .name $.Values.schemaRegistry.url }}
- name: registry-ca
  secret:
    secretName: {{ .name | quote }}
    items:
      - key: {{ .key | quote }}
        path: {{ .key | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "edgevl.connectionVolumeMounts" -}}
{{- if .Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/edgevl/kafka-ca
  readOnly: true
{{- end }}
{{- if and .Values.schemaRegistry.caSecret.name .Values.schemaRegistry.url }}
- name: registry-ca
  mountPath: /etc/edgevl/registry-ca
  readOnly: true
{{- end }}
{{- end }}

{{/* A component's properties file from the chart's ConfigMap, at /etc/edgevl/config/edgevl.properties. */}}
{{- define "edgevl.configVolume" -}}
- name: config
  configMap:
    name: {{ include "edgevl.configName" (index . 0) }}
    items:
      - key: {{ printf "%s.properties" (index . 1) }}
        path: edgevl.properties
{{- end }}

{{/* The signing public key only (never the private one), at /etc/edgevl/trust/<publicKeyKey>. */}}
{{- define "edgevl.trustVolume" -}}
{{- $signing := .Values.signing -}}
- name: trusted-keys
{{- if $signing.publicKeyConfigMap }}
  configMap:
    name: {{ $signing.publicKeyConfigMap | quote }}
{{- else }}
  secret:
    secretName: {{ required "signing.secretName is required: the Secret with the model-signing key pair (see signing in values.yaml); the Flink job and the device agents read its public key" $signing.secretName | quote }}
{{- end }}
    items:
      - key: {{ $signing.publicKeyKey | quote }}
        path: {{ $signing.publicKeyKey | quote }}
{{- end }}

{{- define "edgevl.trustedKeyFile" -}}
{{- printf "/etc/edgevl/trust/%s" .Values.signing.publicKeyKey }}
{{- end }}

{{/* Probes on the named port "health", backed by the service's /health/live and /health/ready. */}}
{{- define "edgevl.probes" -}}
startupProbe:
  httpGet:
    path: /health/live
    port: health
  {{- toYaml .startup | nindent 2 }}
livenessProbe:
  httpGet:
    path: /health/live
    port: health
  {{- toYaml .liveness | nindent 2 }}
readinessProbe:
  httpGet:
    path: /health/ready
    port: health
  {{- toYaml .readiness | nindent 2 }}
{{- end }}

{{/* Prometheus's scrape annotations for a pod serving /metrics on port (list $ port); nothing when metrics.scrape is off. */}}
{{- define "edgevl.scrapeAnnotations" -}}
{{- $ := index . 0 }}
{{- if $.Values.metrics.scrape }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ index . 1 | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/* Pod-level fields every edgevl pod shares. */}}
{{- define "edgevl.podDefaults" -}}
automountServiceAccountToken: false
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . | quote }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* Scheduling of a component: its values. */}}
{{- define "edgevl.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "edgevl.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmp.sizeLimit | quote }}
{{- end }}

{{/* The topics job's "edgevl topics create" container: (list . .Values.topics) */}}
{{- define "edgevl.topicsContainer" -}}
{{- $ctx := index . 0 }}
{{- $topics := index . 1 -}}
image: {{ include "edgevl.image" $ctx }}
imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
args:
  - topics
  - create
  {{- if gt (int $topics.replicationFactor) 0 }}
  - --replication-factor={{ $topics.replicationFactor }}
  {{- end }}
  - --timeout={{ $topics.timeoutSeconds }}
env:
  {{- include "edgevl.connectionEnv" (list $ctx "topics") | nindent 2 }}
  {{- include "edgevl.extraEnv" (list $ctx (list)) | nindent 2 }}
resources:
  {{- toYaml $topics.resources | nindent 2 }}
securityContext:
  {{- toYaml $ctx.Values.securityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  {{- include "edgevl.connectionVolumeMounts" $ctx | nindent 2 }}
{{- end }}

{{/* Values that only make sense together; refused early with a sentence naming the values to change. */}}
{{- define "edgevl.validate" -}}
{{- $kafka := .Values.kafka }}
{{- $tlsProtocol := or (eq $kafka.securityProtocol "SSL") (eq $kafka.securityProtocol "SASL_SSL") }}
{{- if and (or $kafka.tls.caSecret.name $kafka.tls.clientSecret.name) (not $tlsProtocol) }}
{{- fail (printf "kafka.tls is set but kafka.securityProtocol is %s: use SSL or SASL_SSL to connect with TLS, or remove kafka.tls.caSecret.name and kafka.tls.clientSecret.name." $kafka.securityProtocol) }}
{{- end }}
{{- if and (hasPrefix "SASL_" $kafka.securityProtocol) (not $kafka.sasl.jaasConfigSecret.name) }}
{{- if not (has $kafka.sasl.mechanism (list "PLAIN" "SCRAM-SHA-256" "SCRAM-SHA-512")) }}
{{- fail (printf "kafka.sasl.mechanism %s needs kafka.sasl.jaasConfigSecret: the chart builds a JAAS line only for PLAIN and SCRAM." $kafka.sasl.mechanism) }}
{{- end }}
{{- if or (not $kafka.sasl.username) (not $kafka.sasl.passwordSecret.name) }}
{{- fail (printf "kafka.securityProtocol %s needs credentials: set kafka.sasl.username and kafka.sasl.passwordSecret.name, or kafka.sasl.jaasConfigSecret.name." $kafka.securityProtocol) }}
{{- end }}
{{- end }}
{{- if and (eq .Values.serde.format "confluent") (not .Values.schemaRegistry.url) }}
{{- fail "serde.format=confluent needs schemaRegistry.url: the registry's base URL (for Apicurio ending in /apis/ccompat/v7)." }}
{{- end }}
{{- with .Values.streamInference }}
{{- if and .enabled (eq .upgradeMode "last-state") (not .highAvailability.enabled) }}
{{- fail "streamInference.upgradeMode=last-state needs streamInference.highAvailability.enabled=true (the operator restores the job from its HA metadata); or use savepoint." }}
{{- end }}
{{- if and .enabled (ne .upgradeMode "stateless") (not .checkpoints.dir) }}
{{- fail "streamInference.checkpoints.dir is required unless upgradeMode is stateless: where Flink keeps checkpoints (s3://… or file:// on a shared volume)." }}
{{- end }}
{{- if and .enabled (eq .upgradeMode "savepoint") (not .checkpoints.savepointDir) }}
{{- fail "streamInference.upgradeMode=savepoint needs streamInference.checkpoints.savepointDir." }}
{{- end }}
{{- end }}
{{- if and .Values.teacher.enabled (eq .Values.teacher.kind "torchscript") .Values.teacher.gpu.enabled (eq .Values.teacher.gpu.device "cpu") }}
{{- fail "teacher.gpu.enabled asks for a GPU but teacher.gpu.device is cpu: set it to the DJL device, e.g. gpu0." }}
{{- end }}
{{- end }}
