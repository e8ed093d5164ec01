// Bundles the CLI into dist/tern.js and the GitHub Action's entry into
// dist/action.js (one self-contained ESM file each, committed: the runner runs
// dist/action.js with no `npm install`, and it starts dist/tern.js beside it). With --check,
// builds into a temp dir and fails if the committed dist/ differs (stale bundle).
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const outdir = check ? mkdtempSync(join(tmpdir(), 'tern-dist-')) : join(root, 'dist');

await build({
  entryPoints: { tern: join(root, 'src/cli/main.ts'), action: join(root, 'src/action/main.ts') },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __ternCreateRequire } from 'node:module';\nconst require = __ternCreateRequire(import.meta.url);",
  },
});
chmodSync(join(outdir, 'tern.js'), 0o755);
chmodSync(join(outdir, 'action.js'), 0o755);

if (check) {
  const committed = join(root, 'dist');
  const stale = [];
  for (const f of readdirSync(outdir)) {
    const mine = join(committed, f);
    if (!existsSync(mine) || !readFileSync(mine).equals(readFileSync(join(outdir, f)))) stale.push(f);
  }
  if (existsSync(committed)) {
    for (const f of readdirSync(committed)) if (!existsSync(join(outdir, f))) stale.push(f);
  }
  rmSync(outdir, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(`dist/ is stale (${stale.join(', ')}): run \`npm run build\` and commit dist/.`);
    process.exit(1);
  }
  console.log('dist/ is up to date');
}
