// Everything the Action tells the runner, through @actions/core and
// @actions/artifact: masks, outputs, the job summary, the artifact upload.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import { errorMessage } from '../util/errors.js';
import { stepSummary, type ActionOutcome } from './report.js';

/** The variables the artifact service needs; the token was taken out of the environment at start. */
const ARTIFACT_TOKEN_VARIABLE = 'ACTIONS_RUNTIME_TOKEN';
const ARTIFACT_URL_VARIABLE = 'ACTIONS_RESULTS_URL';

/** Masks each secret, line by line (a mask applies to single lines only). */
export function maskSecrets(values: Iterable<string>): void {
  for (const value of values) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length > 0) core.setSecret(line);
  }
}

export function setOutputs(o: ActionOutcome): void {
  core.setOutput('conclusion', o.conclusion);
  core.setOutput('reason', o.reason ?? '');
  core.setOutput('thread-id', o.threadId ?? '');
  core.setOutput('final-message', o.finalMessage ?? '');
  core.setOutput('files-changed', JSON.stringify(o.filesChanged));
  core.setOutput('pr-number', o.pr ? String(o.pr.number) : '');
  core.setOutput('pr-url', o.pr?.url ?? '');
  core.setOutput('branch', o.branch ?? '');
  core.setOutput('artifacts-dir', o.artifactsDir);
  core.setOutput('tokens', o.tokens !== null ? String(o.tokens) : '');
  core.setOutput('review-url', o.review?.url ?? '');
  core.setOutput('comment-url', o.commentUrl ?? '');
}

export async function writeStepSummary(o: ActionOutcome): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(stepSummary(o)).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${errorMessage(err)}`);
  }
}

/** Uploads the artifact dir; skipped with a notice where there is no artifact service. */
export async function uploadArtifactsDir(name: string, dir: string, runtimeToken: string | undefined): Promise<void> {
  if (!runtimeToken || !process.env[ARTIFACT_URL_VARIABLE]) {
    core.notice('artifact upload skipped: no artifact service here (not running on GitHub Actions); the files stay in ' + dir);
    return;
  }
  const files = listFiles(dir);
  if (files.length === 0) return;
  // Set through setenv, which allocates anew: the value never enters the initial
  // environment block that /proc/<pid>/environ shows. No agent process is alive now.
  process.env[ARTIFACT_TOKEN_VARIABLE] = runtimeToken;
  try {
    const { id, size } = await new DefaultArtifactClient().uploadArtifact(name, files, dir);
    core.info(`uploaded artifact ${name} (${files.length} files, ${size ?? '?'} bytes, id ${id ?? '?'})`);
  } catch (err) {
    core.warning(`artifact upload failed: ${errorMessage(err)}`);
  } finally {
    delete process.env[ARTIFACT_TOKEN_VARIABLE];
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listFiles(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}
