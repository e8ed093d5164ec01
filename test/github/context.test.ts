import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { branchOfRef, publishBranchName, readRunContext } from '../../src/github/context.js';
import { tokenFor } from '../../src/github/publish.js';

const ENV = {
  GITHUB_REPOSITORY: 'octo-org/widgets',
  GITHUB_EVENT_NAME: 'schedule',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_WORKFLOW: 'Nightly Fix: tests!',
  GITHUB_RUN_ID: '42',
  GITHUB_SERVER_URL: 'https://github.example.com/',
};

describe('run context', () => {
  it('reads the runner variables and the event payload', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-ctx-'));
    writeFileSync(path.join(dir, 'event.json'), JSON.stringify({ schedule: '0 3 * * *' }));
    const ctx = readRunContext({ ...ENV, GITHUB_EVENT_PATH: path.join(dir, 'event.json') });
    expect(ctx).toMatchObject({ owner: 'octo-org', repo: 'widgets', eventName: 'schedule', serverUrl: 'https://github.example.com', apiUrl: 'https://api.github.com' });
    expect(ctx.runUrl).toBe('https://github.example.com/octo-org/widgets/actions/runs/42');
    expect(ctx.payload).toEqual({ schedule: '0 3 * * *' });
  });

  it('says what is wrong outside a workflow', () => {
    expect(() => readRunContext({})).toThrow(/GITHUB_REPOSITORY must be owner\/name/);
    expect(() => readRunContext({ ...ENV, GITHUB_EVENT_PATH: '/nonexistent/event.json' })).toThrow(/cannot read GITHUB_EVENT_PATH/);
  });

  it('derives one stable branch per workflow, event and ref', () => {
    const ctx = readRunContext(ENV);
    expect(publishBranchName(ctx, 'tern/')).toBe('tern/nightly-fix-tests-schedule-main');
    expect(publishBranchName({ ...ctx, eventName: 'workflow_dispatch' }, 'tern/')).toBe('tern/nightly-fix-tests-workflow_dispatch-main');
    expect(publishBranchName({ ...ctx, ref: 'refs/tags/v1.2' }, 'bot/')).toBe('bot/nightly-fix-tests-schedule-tags-v1.2');
    expect(publishBranchName({ ...ctx, workflow: 'x'.repeat(300) }, 'tern/').length).toBeLessThanOrEqual(100);
  });

  it('knows a branch ref from others', () => {
    expect(branchOfRef('refs/heads/feature/x')).toBe('feature/x');
    expect(branchOfRef('refs/pull/3/merge')).toBeNull();
    expect(branchOfRef(null)).toBeNull();
  });
});

describe('tokenFor', () => {
  it('sends the token only over HTTPS to the run\'s own GitHub server', () => {
    expect(tokenFor('https://github.com/o/r.git', 'https://github.com', 't0ken')).toEqual({ token: 't0ken' });
    expect(tokenFor('https://evil.example/o/r.git', 'https://github.com', 't0ken')).toEqual({});
    expect(tokenFor('http://github.com/o/r.git', 'https://github.com', 't0ken')).toEqual({});
    expect(tokenFor('/tmp/remote.git', 'https://github.com', 't0ken')).toEqual({});
    expect(tokenFor('git@github.com:o/r.git', 'https://github.com', 't0ken')).toEqual({});
  });
});
