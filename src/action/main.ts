// Entry of the GitHub Action (action.yml `main: dist/action.js`). The first thing
// it does is take the secrets out of its own environment; the last is to tell
// the runner how it went. A failed run fails the step with one line; it is never
// green on failure, and `no_changes` is green and says so.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { errorMessage } from '../util/errors.js';
import { runAction } from './run-action.js';
import { maskSecrets, setOutputs, uploadArtifactsDir, writeStepSummary } from './runner-io.js';
import { takeSecrets } from './secrets.js';

/** dist/action.js and dist/tern.js are built side by side. */
const TERN_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tern.js');

async function main(): Promise<void> {
  const taken = takeSecrets(process.env);
  maskSecrets(taken.secrets.values());
  if (taken.environ !== 'scrubbed') core.info(`tern: the process environment was ${taken.environ}`);

  let run: Awaited<ReturnType<typeof runAction>>;
  try {
    run = await runAction({ env: process.env, taken, ternScript: TERN_SCRIPT, log: process.stdout, info: (line) => core.info(line) });
  } catch (err) {
    // Refused before anything ran (bad input, no checkout, a persisted credential): still one line, an output and a summary.
    const reason = errorMessage(err).replace(/\s+/g, ' ').trim();
    core.setOutput('conclusion', 'failed');
    core.setOutput('reason', reason);
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(`## tern failed\n\n**Why:** ${reason}\n`).write().catch(() => undefined);
    core.setFailed(`tern: ${reason}`);
    return;
  }

  const { outcome, inputs } = run;
  setOutputs(outcome);
  await writeStepSummary(outcome);
  if (inputs.uploadArtifacts) await uploadArtifactsDir(inputs.artifactName, outcome.artifactsDir, taken.secrets.get('ACTIONS_RUNTIME_TOKEN'));
  const pr = outcome.pr ? ` ${outcome.pr.created ? 'opened' : 'updated'} ${outcome.pr.url}` : '';
  if (outcome.conclusion === 'failed') core.setFailed(`tern: failed: ${outcome.reason ?? 'no reason given'}${pr}`);
  else core.info(`tern: ${outcome.conclusion}${outcome.reason ? ` (${outcome.reason})` : ''}${pr}`);
}

main().catch((err: unknown) => {
  core.setFailed(`tern: internal error: ${errorMessage(err)}`);
});
