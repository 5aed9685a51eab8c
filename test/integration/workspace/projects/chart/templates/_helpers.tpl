{{- define "billing.podLabels" -}}
app: billing
{{- end }}
