/**
 * The vitest side of the differential harness: `differentialSuite(scenario)` declares two tests.
 * The first runs the scenario against `codex app-server` (the reference) and records its
 * normalised sequence; the second runs it against `tern app-server` (dist/tern.js) and requires
 * the same sequence. Both servers' messages must validate against the 0.169.0 schema.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConformanceChecker, type ConformanceChecker } from '../protocol-schema.js';
import { normaliseConnections } from './normalise.js';
import { recordScenario, type Recording } from './runner.js';
import type { Scenario } from './scenario.js';

/** Set to a directory to get `<scenario>.<kind>.txt` with each normalised sequence (debugging). */
const DUMP_ENV = 'TERN_DIFF_DUMP';
/**
 * Set to N > 1 to run the reference N times and require the same sequence each time: how the
 * normalisation rules were checked against codex's own run-to-run variation (not for CI: slow).
 */
const CODEX_RUNS_ENV = 'TERN_DIFF_CODEX_RUNS';

export interface DifferentialOptions {
  /** Assertions on each recording (e.g. a declined command's file is absent); `rec.kind` says whose. */
  check?(rec: Recording): void;
  /**
   * A scenario-specific relaxation applied to both normalised sequences, only where the servers
   * differ on purpose; each use is written down in docs/compatibility.md.
   */
  relax?(lines: string[]): string[];
}

function conforms(checker: ConformanceChecker, rec: Recording): void {
  for (const c of rec.connections) {
    checker.reset();
    checker.assertConforms(c.map((e) => ({ dir: e.dir, msg: e.msg })));
  }
}

const same = (lines: string[]): string[] => lines;

export function normalised(rec: Recording, name: string): string[] {
  // How many times each server called the scripted model belongs to the compared behaviour too.
  const modelCalls = rec.modelRequests.filter((r) => r.method === 'POST' && /\/responses$/.test(r.path.split('?')[0] ?? '')).length;
  const lines = [...normaliseConnections(rec.connections, [rec.repo]), `--- model calls: ${modelCalls} ---`];
  const dump = process.env[DUMP_ENV];
  if (dump) writeFileSync(path.join(dump, `${name.replace(/\W+/g, '-')}.${rec.kind}.txt`), `${lines.join('\n')}\n`);
  return lines;
}

export function differentialSuite(scenario: Scenario, opts: DifferentialOptions = {}): void {
  describe(`differential: ${scenario.name}`, () => {
    let workRoot: string;
    let checker: ConformanceChecker;
    let reference: string[] | undefined;

    beforeAll(async () => {
      workRoot = await mkdtemp(path.join(os.tmpdir(), 'tern-differential-'));
      checker = await createConformanceChecker();
    });
    afterAll(async () => {
      if (workRoot) await rm(workRoot, { recursive: true, force: true });
    });

    it('codex app-server runs it, every message conforming to the 0.169.0 schema', async () => {
      const runs = Math.max(1, Number(process.env[CODEX_RUNS_ENV] ?? 1));
      for (let i = 0; i < runs; i++) {
        const rec = await recordScenario('codex', scenario, path.join(workRoot, `codex-${i}`));
        conforms(checker, rec);
        opts.check?.(rec);
        const lines = (opts.relax ?? same)(normalised(rec, scenario.name));
        if (reference !== undefined) expect(lines, `codex run ${i + 1} differs from run 1`).toEqual(reference);
        reference = lines;
      }
    });

    it('tern app-server sends the same normalised sequence, every message conforming', async () => {
      expect(reference, 'the codex run failed; nothing to compare with').toBeDefined();
      const rec = await recordScenario('tern', scenario, workRoot);
      // Soft: a differing sequence still gets its schema check and the scenario's checks reported.
      expect.soft((opts.relax ?? same)(normalised(rec, scenario.name))).toEqual(reference);
      conforms(checker, rec);
      opts.check?.(rec);
    });
  });
}
