{{/*
Expand the name of the chart.
*/}}
{{- define "az-appconfig-k8s-provider.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "az-appconfig-k8s-provider.fullname" -}}
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

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "az-appconfig-k8s-provider.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "az-appconfig-k8s-provider.labels" -}}
helm.sh/chart: {{ include "az-appconfig-k8s-provider.chart" . }}
{{ include "az-appconfig-k8s-provider.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "az-appconfig-k8s-provider.selectorLabels" -}}
app.kubernetes.io/name: {{ include "az-appconfig-k8s-provider.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
control-plane: controller-manager
{{- if and (.Values.workloadIdentity.enabled) }}
azure.workload.identity/use: "true"
{{- end }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "az-appconfig-k8s-provider.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "az-appconfig-k8s-provider.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
