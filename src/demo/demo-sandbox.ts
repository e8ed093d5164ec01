// What the demo can show on this machine. The demo must run on a fresh machine
// (the README's first command), where bubblewrap or the sandbox user may not be
// installed yet, or user namespaces may be off. Where the real protection
// cannot be set up, the demo runs without it and says so, with the fix; tern
// itself never does that silently (it fails closed).

import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SANDBOX_USER, lookupUser, runningAsRoot } from '../sandbox/identity.js';
import { pidNamespacePrefix } from '../sandbox/isolated-phase.js';

export interface DemoProtection {
  /** The Action's `sandbox` input for the demo. */
  sandbox: 'workspace-write' | 'danger-full-access';
  /** The Action's `agent-isolation` input. */
  isolation: 'pid-namespace' | 'none';
  /** One line per protection the demo runs without, with how to enable it. */
  notes: string[];
}

export async function demoProtection(env: NodeJS.ProcessEnv): Promise<DemoProtection> {
  const notes: string[] = [];
  const missing: string[] = [];
  if (!onPath('bwrap', env)) missing.push('bubblewrap (apt-get install bubblewrap)');
  if (runningAsRoot()) {
    if (!onPath('setfacl', env)) missing.push('acl (apt-get install acl)');
    if ((await lookupUser(DEFAULT_SANDBOX_USER)) === null) missing.push(`the ${DEFAULT_SANDBOX_USER} user (useradd --system --no-create-home ${DEFAULT_SANDBOX_USER})`);
  }
  if (missing.length > 0) notes.push(`tool commands run without the OS sandbox: missing ${missing.join(', ')}`);
  let isolation: DemoProtection['isolation'] = 'pid-namespace';
  try {
    await pidNamespacePrefix();
  } catch (err) {
    isolation = 'none';
    notes.push(`the agent phase runs without its PID namespace: ${(err as Error).message}`);
  }
  return { sandbox: missing.length > 0 ? 'danger-full-access' : 'workspace-write', isolation, notes };
}

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
