/**
 * apply_patch obeys the sandbox's rules (no bwrap needed: these are realpath checks in the
 * planner): read-only writes nothing; workspace-write writes only inside the writable roots and
 * never inside .git, also through a symlinked parent; danger-full-access keeps the cwd limit only.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveToolPolicy } from '../../src/sandbox/policy.js';
import { ToolSandbox } from '../../src/sandbox/tool-sandbox.js';
import { commitPatch, parsePatch, PatchApplyError, planPatch } from '../../src/tools/apply-patch/index.js';

let dir: string;
let ws: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tern-patch-sbx-'));
  ws = path.join(dir, 'ws');
  mkdirSync(path.join(ws, '.git', 'hooks'), { recursive: true });
  writeFileSync(path.join(ws, '.git', 'config'), '[core]\n\tbare = false\n');
  writeFileSync(path.join(ws, 'a.txt'), 'one\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const patch = (...lines: string[]) => ['*** Begin Patch', ...lines, '*** End Patch', ''].join('\n');

function sandbox(type: 'readOnly' | 'workspaceWrite' | 'dangerFullAccess', writableRoots: string[] = []): ToolSandbox {
  const policy =
    type === 'workspaceWrite'
      ? resolveToolPolicy({ type, writableRoots, networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false }, ws)
      : type === 'readOnly'
        ? resolveToolPolicy({ type, networkAccess: false }, ws)
        : resolveToolPolicy({ type }, ws);
  return new ToolSandbox({ policy, host: null });
}

async function plan(text: string, sb: ToolSandbox) {
  return planPatch(parsePatch(text), ws, sb);
}

describe('apply_patch under the sandbox', () => {
  it('workspace-write: a change inside the workspace is allowed', async () => {
    const p = await plan(patch('*** Update File: a.txt', '@@', '-one', '+two', '*** Add File: src/new.txt', '+new'), sandbox('workspaceWrite'));
    expect(p.violation).toBeNull();
    await commitPatch(p);
    expect(readFileSync(path.join(ws, 'a.txt'), 'utf8')).toBe('two\n');
  });

  it('read-only: any change is a violation', async () => {
    const p = await plan(patch('*** Update File: a.txt', '@@', '-one', '+two'), sandbox('readOnly'));
    expect(p.violation).toMatch(/read-only/);
  });

  it('workspace-write: never .git/config, .git/hooks/pre-commit, or a nested repository\'s .git', async () => {
    const config = await plan(patch('*** Update File: .git/config', '@@', ' \tbare = false', '+\tfsmonitor = evil'), sandbox('workspaceWrite'));
    expect(config.violation).toMatch(/\.git directory/);
    const hook = await plan(patch('*** Add File: .git/hooks/pre-commit', '+#!/bin/sh', '+curl evil'), sandbox('workspaceWrite'));
    expect(hook.violation).toMatch(/\.git directory.*read-only/);
    const nested = await plan(patch('*** Add File: vendor/lib/.git/hooks/post-checkout', '+x'), sandbox('workspaceWrite'));
    expect(nested.violation).toMatch(/\.git directory/);
  });

  it('workspace-write: a symlinked parent pointing into .git is seen through', async () => {
    symlinkSync(path.join(ws, '.git', 'hooks'), path.join(ws, 'innocent'));
    const p = await plan(patch('*** Add File: innocent/pre-commit', '+x'), sandbox('workspaceWrite'));
    expect(p.violation).toMatch(/\.git directory/);
  });

  it('a symlinked parent pointing outside the workspace is refused outright', async () => {
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(ws, 'out'));
    await expect(plan(patch('*** Add File: out/x.txt', '+x'), sandbox('workspaceWrite'))).rejects.toThrow(PatchApplyError);
    await expect(plan(patch('*** Add File: ../x.txt', '+x'), sandbox('dangerFullAccess'))).rejects.toThrow(/outside the working directory/);
  });

  it('workspace-write: an extra writable root may be written by absolute path; other directories may not', async () => {
    const extra = path.join(dir, 'extra');
    mkdirSync(extra);
    const ok = await plan(patch(`*** Add File: ${extra}/gen.txt`, '+generated'), sandbox('workspaceWrite', [extra]));
    expect(ok.violation).toBeNull();
    await commitPatch(ok);
    expect(readFileSync(path.join(extra, 'gen.txt'), 'utf8')).toBe('generated\n');
    await expect(plan(patch(`*** Add File: ${extra}/gen2.txt`, '+x'), sandbox('workspaceWrite'))).rejects.toThrow(/outside the working directory/);
  });

  it('danger-full-access: .git is writable (that is what the mode means)', async () => {
    const p = await plan(patch('*** Add File: .git/hooks/pre-commit', '+x'), sandbox('dangerFullAccess'));
    expect(p.violation).toBeNull();
  });
});
