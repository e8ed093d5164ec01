import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkActor } from '../../src/github/actor-permission.js';
import { createOctokit } from '../../src/github/pull-request.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/demo/github-stand-in/index.js';

let standIn: GitHubStandIn;
const where = { owner: 'octo-org', repo: 'widgets' };

beforeAll(async () => {
  standIn = await startGitHubStandIn({ ...where, permissions: { writer: 'write', keeper: 'maintain', admin1: 'admin', triager: 'triage', reader: 'read', gone: 'none' } });
});
afterAll(async () => {
  await standIn.close();
});

describe('checkActor (through the API, against the stand-in)', () => {
  const octokit = () => createOctokit('ghs_test', standIn.url);
  it.each([
    ['writer', true],
    ['keeper', true],
    ['admin1', true],
    ['octo-org', true],
    ['triager', false],
    ['reader', false],
    ['gone', false],
    ['stranger', false],
  ])('%s -> allowed %s', async (login, allowed) => {
    const verdict = await checkActor(octokit(), where, { login, type: 'User' }, []);
    expect(verdict.allowed).toBe(allowed);
    if (!allowed) expect(verdict.reason).toContain('write access is needed');
  });

  it('bots only by their listed login, never through the permission API', async () => {
    const before = standIn.requests.length;
    expect(await checkActor(octokit(), where, { login: 'renovate[bot]', type: 'Bot' }, ['Renovate[bot]'])).toMatchObject({ allowed: true });
    expect(await checkActor(octokit(), where, { login: 'evil[bot]', type: 'Bot' }, ['renovate[bot]'])).toMatchObject({ allowed: false, reason: 'evil[bot] is a bot and is not listed in allow-bots' });
    expect(await checkActor(octokit(), where, { login: 'sneaky', type: 'Bot' }, [])).toMatchObject({ allowed: false });
    expect(standIn.requests.length).toBe(before);
  });

  it('an API failure refuses, with the reason', async () => {
    const verdict = await checkActor(createOctokit('ghs_test', 'http://127.0.0.1:9'), where, { login: 'writer', type: 'User' }, []);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toContain("could not read writer's permission");
    expect(standIn.violations).toEqual([]);
  });
});
