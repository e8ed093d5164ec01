import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { persistedCredentialFiles } from '../../src/github/checkout-credentials.js';

const HEADER = 'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3h4eA==';

function gitDir(config: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tern-creds-'));
  writeFileSync(path.join(dir, 'config'), config);
  return dir;
}

describe('persisted checkout credentials', () => {
  it('finds the extraheader actions/checkout writes into .git/config', () => {
    const dir = gitDir(`[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = ${HEADER}\n`);
    expect(persistedCredentialFiles(dir)).toEqual([path.join(dir, 'config')]);
  });

  it('follows include and includeIf paths (newer checkouts keep the credential in a separate file)', () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'tern-creds-file-'));
    const credentials = path.join(outside, 'git-credentials-1234.config');
    writeFileSync(credentials, `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`);
    const dir = gitDir(`[includeIf "gitdir:/home/runner/work/x/x/.git"]\n\tpath = "${credentials}"\n`);
    expect(persistedCredentialFiles(dir)).toEqual([credentials]);
  });

  it('a config without credentials, or with an unrelated extraheader, passes', () => {
    expect(persistedCredentialFiles(gitDir('[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/o/r\n'))).toEqual([]);
    expect(persistedCredentialFiles(gitDir('[http]\n\textraheader = X-Trace: 1\n'))).toEqual([]);
    expect(persistedCredentialFiles(path.join(os.tmpdir(), 'no-such-git-dir'))).toEqual([]);
  });
});
