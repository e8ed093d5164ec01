import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoProtection } from '../../src/demo/demo-sandbox.js';

describe('the demo on a machine without the sandbox', () => {
  it('runs commands unsandboxed and says what to install, instead of failing', async () => {
    const emptyPath = mkdtempSync(path.join(os.tmpdir(), 'tern-nopath-'));
    const p = await demoProtection({ PATH: emptyPath });
    expect(p.sandbox).toBe('danger-full-access');
    expect(p.notes.join('\n')).toContain('apt-get install bubblewrap');
  });

  // .ci/run installs bubblewrap and acl and creates the sandbox user: there the demo is sandboxed.
  it.runIf(process.env.CI === 'true')('uses the sandbox and the PID namespace where they are set up (CI)', async () => {
    const p = await demoProtection(process.env);
    expect(p).toEqual({ sandbox: 'workspace-write', isolation: 'pid-namespace', notes: [] });
  });
});
