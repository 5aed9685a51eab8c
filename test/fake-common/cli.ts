// The command lines of the fakes (fake-kube/cli.ts, fake-azure/cli.ts): run until SIGINT or
// SIGTERM, then stop the servers and exit; a failure to start prints its message and exits 1.

/** Stop `servers` and exit 0 on the first SIGINT or SIGTERM. */
export function stopOnSignals(servers: { stop(): Promise<void> }): void {
  const shutdown = (): void => {
    void servers.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** Run a command line's `main`; a failure prints its message and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
