/**
 * The shared setup of end-to-end suites that drive `dist/tern.js app-server` against the scripted
 * model server: a temporary work root per file, the 0.169.0 conformance checker, and every
 * (peer, model) pair started by a test closed after it. Call `useTernAppServers` at the top level
 * of a test file; it registers the beforeAll/afterEach/afterAll hooks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startModelServer, type ModelServer } from '../../src/demo/model-server/server.js';
import type { ScriptStep } from '../../src/demo/model-server/types.js';
import { spawnPeer, type JsonlPeer, type ServerMessage } from './jsonl-peer.js';
import { createConformanceChecker, type ConformanceChecker } from './protocol-schema.js';
import { ternServerCommand, type TernServerCommand } from './tern-server.js';

export type TernServerOptions = Omit<Parameters<typeof ternServerCommand>[0], 'modelBaseUrl' | 'workRoot'> & {
  /** The server's environment, from the one ternServerCommand built (default: that one as is). */
  env?: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
};

export interface StartedTernServer {
  peer: JsonlPeer;
  model: ModelServer;
  cmd: TernServerCommand;
}

export interface TernAppServers {
  /** The file's temporary directory (set in beforeAll, removed in afterAll). */
  readonly workRoot: string;
  readonly checker: ConformanceChecker;
  /** The scripted model and a tern app-server against it, not yet initialized; both closed after the test. */
  launch(script: ScriptStep[], opts?: TernServerOptions): Promise<StartedTernServer>;
  /** launch, then `initialize` + `initialized`. */
  start(script: ScriptStep[], opts?: TernServerOptions): Promise<StartedTernServer>;
  /** Every message the peer saw, checked against the 0.169.0 schema. */
  expectConforms(peer: JsonlPeer): void;
}

export async function initialize(peer: JsonlPeer, capabilities: unknown = null) {
  const init = await peer.request('initialize', { clientInfo: { name: 'tern_e2e', title: 'e2e', version: '0.0.1' }, capabilities });
  peer.notify('initialized');
  return init;
}

/** The server's notifications (no id) in the transcript from index `from` on. */
export function notifications(peer: JsonlPeer, from = 0): ServerMessage[] {
  return peer.transcript
    .slice(from)
    .filter((e) => e.dir === 's2c' && typeof e.msg === 'object' && e.msg !== null && 'method' in e.msg && !('id' in e.msg))
    .map((e) => e.msg as ServerMessage);
}

export function useTernAppServers(tmpPrefix: string): TernAppServers {
  let workRoot: string | undefined;
  let checker: ConformanceChecker | undefined;
  const open: { peer: JsonlPeer; model: ModelServer }[] = [];

  beforeAll(async () => {
    workRoot = await mkdtemp(path.join(os.tmpdir(), tmpPrefix));
    checker = await createConformanceChecker();
  });
  afterEach(async () => {
    for (const { peer, model } of open.splice(0)) {
      await peer.close();
      await model.close();
    }
  });
  afterAll(async () => {
    if (workRoot) await rm(workRoot, { recursive: true, force: true });
  });

  const servers: TernAppServers = {
    get workRoot() {
      if (workRoot === undefined) throw new Error('workRoot is set in beforeAll');
      return workRoot;
    },
    get checker() {
      if (checker === undefined) throw new Error('checker is set in beforeAll');
      return checker;
    },
    async launch(script, opts = {}) {
      const { env, ...flags } = opts;
      const model = await startModelServer({ script });
      const cmd = await ternServerCommand({ modelBaseUrl: model.url, workRoot: servers.workRoot, ...flags });
      const peer = spawnPeer(cmd.command, cmd.args, { env: env ? env(cmd.env) : cmd.env });
      open.push({ peer, model });
      return { peer, model, cmd };
    },
    async start(script, opts = {}) {
      const started = await servers.launch(script, opts);
      await initialize(started.peer);
      return started;
    },
    expectConforms(peer) {
      servers.checker.reset();
      servers.checker.assertConforms(peer.transcript.map((e) => ({ dir: e.dir, msg: e.msg })));
    },
  };
  return servers;
}
