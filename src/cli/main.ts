// The `tern` binary: one entry, subcommands. Nothing here but dispatch.
// Each subcommand is imported when it runs (a chunk of its own in dist/), after
// the compile cache is on: `tern app-server` never loads the driver or the demo,
// and `tern --version` loads nothing else at all.

import { EXIT_CODES } from '../artifacts/result.js';
import { userFailure } from '../util/errors.js';
import { enableCompileCache } from './compile-cache.js';
import { VERSION } from '../util/version.js';

enableCompileCache();

const USAGE = `tern ${VERSION}
usage:
  tern demo                       run one turn on a bundled demo repo with a scripted model (no API key)
  tern run --prompt TEXT [...]    run one turn against a repo and record artifacts (tern run --help)
  tern app-server [--listen URL]  serve the Codex App Server protocol (v2): stdio://, ws://IP:PORT, unix://[PATH]
  tern --version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  switch (command) {
    case 'app-server': {
      const { runAppServer } = await import('../server/app-server.js');
      return runAppServer(rest, { ...io, stdin: process.stdin });
    }
    case 'run': {
      const stopSignal = stopOnSignals();
      const { runCommand } = await import('../driver/index.js');
      return runCommand(rest, { ...io, stopSignal });
    }
    case 'demo': {
      const { runDemo } = await import('../demo/demo.js');
      return runDemo(rest, io);
    }
    case '--version':
    case '-V':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`tern: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

/** SIGINT/SIGTERM abort the signal once (the run then interrupts its turn and records); a second one exits at once. */
function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

main(process.argv.slice(2)).then(
  (code) => {
    // Let stdout drain before exiting (it may be a pipe to a JSON-RPC client).
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    // The one user mapping: a kind (hence an exit code) and one line; the stack only when debugging.
    const failure = userFailure(err);
    process.stderr.write(`tern: ${failure.line}\n`);
    if (process.env.TERN_LOG === 'debug' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(EXIT_CODES[failure.kind]);
  },
);
