// actions/checkout persists the job's token into the checkout's git config by
// default (`http.<server>.extraheader = AUTHORIZATION: basic ...`, either in
// .git/config or in a file that an include/includeIf there names). The agent can
// read the checkout's git config, so a run must not start with a credential in
// it. Read as plain text: no git command runs on the checkout's config.

import { readFileSync } from 'node:fs';
import path from 'node:path';

const EXTRAHEADER_WITH_AUTH = /^\s*extraheader\s*=.*authorization\s*:/im;
const SECTION = /^\s*\[([^\]]+)\]/;
const PATH_KEY = /^\s*path\s*=\s*(.+?)\s*$/i;

/** The config files holding a persisted Authorization header (empty when none). */
export function persistedCredentialFiles(gitDir: string): string[] {
  const config = path.join(gitDir, 'config');
  const files = [config, ...includedFiles(config, gitDir)];
  return files.filter((f) => EXTRAHEADER_WITH_AUTH.test(readOr(f, '')));
}

function includedFiles(config: string, gitDir: string): string[] {
  const out: string[] = [];
  let inInclude = false;
  for (const line of readOr(config, '').split('\n')) {
    const section = SECTION.exec(line);
    if (section) {
      inInclude = /^include(if\b.*)?$/i.test(section[1]!.trim());
      continue;
    }
    const p = inInclude ? PATH_KEY.exec(line) : null;
    if (p) out.push(path.resolve(gitDir, unquote(p[1]!)));
  }
  return out;
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

export const PERSISTED_CREDENTIALS_HINT =
  'the checkout has a GitHub credential persisted in its git config, where the agent could read it; ' +
  'set `persist-credentials: false` on the actions/checkout step (tern pushes with its own token after the agent has finished)';
