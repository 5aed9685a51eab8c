// The usage of `wi-doctor` and its exit codes: what `--help` prints, shared by the dispatcher
// (run.ts) and the lint and rules commands (lint.ts, rules.ts), whose `--help` prints it too.
// diagnose and workloads have their own (DIAGNOSE_HELP, WORKLOADS_HELP).

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export const HELP = `Usage: wi-doctor <command> [options]

Finds Azure Workload Identity mistakes in Kubernetes manifests.

Commands:
  lint [paths or globs...]        Lint YAML files; directories are searched for *.yaml,
                                  *.yml, Kustomization and Helm helpers (*.tpl) (default:
                                  the current directory). The charts and kustomizations
                                  they belong to are read too, for context
  rules                           List the rules: id, default severity, title
  diagnose [-n ns] <kind>/<name>  Check a live workload's Workload Identity chain against
                                  the kubeconfig's cluster (see "wi-doctor diagnose --help")
  workloads [-n ns]               Every workload's Workload Identity state, and the objects its
                                  controllers authenticate for, as the editor's sidebar shows
                                  them (see "wi-doctor workloads --help")
  identity <client-id>            A managed identity's federated credentials (at most 20):
                                  which still serve a cluster, which are stale; deletes one
                                  on request (see "wi-doctor identity --help")

Options for lint:
  -f, --format <text|json|sarif>  Output format (default: text)
  --rule <id>=<severity>          Set a rule's severity: off, hint, info, warning or
                                  error (repeatable; or comma-separated)
  --max-warnings <n>              Exit 1 when there are more than n warnings
  --exclude <glob>                Skip paths matching the glob, relative to the current
                                  directory; a folder excludes all below it (repeatable)
  --fix                           Apply the safe fixes in place, then report what remains.
                                  Writes only UTF-8 files (a BOM and CRLF kept), only inside
                                  the folders given (never through a link out of them), and
                                  only a file unchanged since it was read; others are left
                                  as they are, with a "not fixed:" line saying why
  --quiet                         Report errors only
  --verbose                       Also print the notes on kustomizations and charts that
                                  could not be read completely (a missing resource…)
  --no-color                      No colours in text output (also when NO_COLOR is set)

Options for rules:
  -f, --format <text|json>        Output format (default: text)

  -h, --help                      Show this help
  -v, --version                   Show the version

Exit codes: 0 no errors (and warnings within --max-warnings); 1 errors, or more
warnings than --max-warnings; 2 bad usage or unreadable input: a missing file, one
that is not a regular file (a FIFO, a socket, a device), or one larger than 50 MiB.

Examples:
  wi-doctor lint k8s/
  wi-doctor lint 'deploy/**/*.yaml' --exclude 'deploy/charts' --rule use-label-value=warning
  wi-doctor lint --format sarif > wi-doctor.sarif
`;
