// Bundles the CLI (src/cli/main.ts -> dist/tern.js) and the GitHub Action's entry
// (src/action/main.ts -> dist/action.js) with code splitting: what both entries and the
// lazily imported subcommands share goes to dist/chunks/, so a command loads only the chunks
// it needs (`tern app-server` answering `initialize` never loads the model SDK or the demo).
// dist/ is committed: the runner runs dist/action.js with no `npm install`, and it starts
// dist/tern.js beside it.
//
//   node scripts/build.mjs           write dist/ (and remove files a previous build left there)
//   node scripts/build.mjs --check   build in memory; fail if dist/ differs in any file, lacks
//                                    one, or holds one this build would not write (stale chunk)
import { build } from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(root, 'dist');
const check = process.argv.includes('--check');

/**
 * The entry points, by output name (dist/<name>.js): the CLI, the Action, and the spawn helper
 * process the app server forks to start tool processes (HELPER_ENTRY in src/sandbox/spawner/spawn-helper.ts).
 */
const ENTRIES = {
  tern: join(root, 'src/cli/main.ts'),
  action: join(root, 'src/action/main.ts'),
  'spawn-helper': join(root, 'src/sandbox/spawner/helper-main.ts'),
};
/** Entries are run directly (`node dist/tern.js`, the `tern` bin): a shebang and mode 0755. */
const SHEBANG = '#!/usr/bin/env node\n';
const ENTRY_MODE = 0o755;
const CHUNK_MODE = 0o644;

const result = await build({
  entryPoints: ENTRIES,
  outdir: distDir,
  entryNames: '[name]',
  // Content-hashed names: a changed chunk gets a new name, so --check sees stale leftovers.
  // The folder name is CHUNK_DIR in src/util/dist-dir.ts (modules that find dist/ by their own URL).
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  // Some dependencies are CommonJS and call require(); give every ESM output file one
  // (module-scoped, so each chunk that holds esbuild's require shim sees it).
  banner: {
    js: "import { createRequire as __ternCreateRequire } from 'node:module';\nconst require = __ternCreateRequire(import.meta.url);",
  },
});

/** Every file this build emits: path relative to dist/ (with '/') -> bytes and mode. */
const emitted = new Map(
  result.outputFiles.map((f) => {
    const rel = relative(distDir, f.path).split(sep).join('/');
    const isEntry = Object.hasOwn(ENTRIES, rel.replace(/\.js$/, ''));
    const bytes = isEntry ? Buffer.concat([Buffer.from(SHEBANG), Buffer.from(f.contents)]) : Buffer.from(f.contents);
    return [rel, { bytes, mode: isEntry ? ENTRY_MODE : CHUNK_MODE }];
  }),
);

/** Files under dist/ now, relative with '/'. */
function filesUnder(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

if (check) {
  const present = filesUnder(distDir);
  const problems = [];
  for (const [rel, { bytes }] of emitted) {
    const file = join(distDir, rel);
    if (!existsSync(file)) problems.push(`${rel} missing`);
    else if (!readFileSync(file).equals(bytes)) problems.push(`${rel} differs`);
  }
  for (const rel of present) if (!emitted.has(rel)) problems.push(`${rel} is not built any more`);
  if (problems.length > 0) {
    console.error(`dist/ is stale (${problems.join(', ')}): run \`npm run build\` and commit dist/.`);
    process.exit(1);
  }
  console.log(`dist/ is up to date (${emitted.size} files)`);
} else {
  for (const rel of filesUnder(distDir)) if (!emitted.has(rel)) rmSync(join(distDir, rel));
  for (const [rel, { bytes, mode }] of emitted) {
    const file = join(distDir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    chmodSync(file, mode);
  }
  // Directories a previous build left empty (e.g. an old chunk folder).
  for (const e of readdirSync(distDir, { withFileTypes: true })) {
    if (e.isDirectory() && filesUnder(join(distDir, e.name)).length === 0) rmSync(join(distDir, e.name), { recursive: true });
  }
}
