// execa, imported on the first process the sandbox starts (a probe, an ACL grant,
// a tool command), not when the server starts: with its dependencies it pulls in
// child_process, worker_threads, v8 and readline, about a third of the server's
// start-up under Node 24. `tern app-server` answering `initialize`, listing or
// reading threads never needs it.

let execaModule: Promise<typeof import('execa')> | undefined;

export function loadExeca(): Promise<typeof import('execa')> {
  execaModule ??= import('execa');
  return execaModule;
}
