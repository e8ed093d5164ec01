/**
 * Review turns (agent/review.ts): the prompt per target, the reading of the reviewer's JSON answer
 * (bad output never crashes), and the turn itself with a fake ModelClient: items, structured
 * output requested, the raw JSON kept off the wire.
 */
import { describe, expect, it } from 'vitest';
import { developerMessage, userMessage } from '../../src/agent/prompt.js';
import {
  parseReviewOutput,
  REVIEW_OUTPUT_SCHEMA,
  reviewHistoryItems,
  reviewPrompt,
  reviewTargetLabel,
  reviewText,
  runReviewTurn,
} from '../../src/agent/review.js';
import { TokenUsageTracker } from '../../src/agent/token-usage.js';
import type { TurnSettings } from '../../src/agent/turn-runner.js';
import type { ModelClient, ModelEvent, ModelRequest } from '../../src/model/types.js';
import { parseReviewText, REVIEW_FALLBACK_TEXT } from '../../src/protocol/review-text.js';

const JSON_REVIEW = {
  findings: [
    {
      title: '[P1] Off by one',
      body: 'The loop skips the last element.',
      confidence_score: 0.8,
      priority: 1,
      code_location: { file: 'src/a.js', line_range: { start: 2, end: 3 } },
    },
  ],
  overall_correctness: 'patch is incorrect',
  overall_explanation: 'One bug.',
  overall_confidence_score: 0.7,
};

describe('reviewPrompt and reviewTargetLabel', () => {
  it('uncommittedChanges: staged, unstaged and untracked, with the git commands to see them', () => {
    const p = reviewPrompt({ type: 'uncommittedChanges' });
    expect(p).toContain('staged, unstaged and untracked');
    expect(p).toContain('git diff --cached');
    expect(p).toContain('git status --short');
    expect(reviewTargetLabel({ type: 'uncommittedChanges' })).toBe('current changes');
  });

  it('baseBranch: the diff against the merge base with the branch', () => {
    const p = reviewPrompt({ type: 'baseBranch', branch: 'main' });
    expect(p).toContain('`git diff $(git merge-base HEAD main)`');
    expect(p).toContain('origin/main');
    expect(reviewTargetLabel({ type: 'baseBranch', branch: 'main' })).toBe("changes against 'main'");
    // A branch name with shell metacharacters is quoted.
    expect(reviewPrompt({ type: 'baseBranch', branch: "x'; rm -rf /" })).toContain(`git merge-base HEAD 'x'\\''; rm -rf /'`);
  });

  it('commit: git show of the sha, with the title when given', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const p = reviewPrompt({ type: 'commit', sha, title: 'Fix the loop' });
    expect(p).toContain(`commit ${sha} ("Fix the loop")`);
    expect(p).toContain(`git show --stat --patch ${sha}`);
    expect(reviewTargetLabel({ type: 'commit', sha, title: 'Fix the loop' })).toBe('commit 0123456: Fix the loop');
    expect(reviewTargetLabel({ type: 'commit', sha })).toBe('commit 0123456');
  });

  it('custom: the instructions as they are', () => {
    expect(reviewPrompt({ type: 'custom', instructions: '  Check the SQL for injection.\n' })).toBe('Check the SQL for injection.');
    expect(reviewTargetLabel({ type: 'custom', instructions: ' Check the SQL. ' })).toBe('Check the SQL.');
  });
});

describe('REVIEW_OUTPUT_SCHEMA', () => {
  it('is strict: every object requires all its properties and allows no others', () => {
    const objects: Record<string, any>[] = [];
    const walk = (s: any) => {
      if (s && typeof s === 'object') {
        if (s.type === 'object') objects.push(s);
        Object.values(s).forEach(walk);
      }
    };
    walk(REVIEW_OUTPUT_SCHEMA.schema);
    expect(objects.length).toBe(4);
    for (const o of objects) {
      expect(o.additionalProperties).toBe(false);
      expect([...o.required].sort()).toEqual(Object.keys(o.properties).sort());
    }
  });
});

describe('parseReviewOutput', () => {
  const expected = {
    overallExplanation: 'One bug.',
    verdict: 'patch is incorrect',
    overallConfidence: 0.7,
    findings: [{ title: '[P1] Off by one', body: 'The loop skips the last element.', priority: 1, confidence: 0.8, codeLocation: { file: 'src/a.js', lineRange: { start: 2, end: 3 } } }],
  };

  it('reads the JSON answer, alone, fenced, or with prose around it', () => {
    const json = JSON.stringify(JSON_REVIEW);
    expect(parseReviewOutput(json)).toEqual(expected);
    expect(parseReviewOutput('```json\n' + json + '\n```')).toEqual(expected);
    expect(parseReviewOutput('Here is my review:\n' + json + '\nThanks.')).toEqual(expected);
  });

  it('accepts the reference field names (absolute_file_path) and a `verdict`', () => {
    const loc = { absolute_file_path: '/r/a.js', line_range: { start: 5, end: 5 } };
    const out = parseReviewOutput(JSON.stringify({ ...JSON_REVIEW, overall_correctness: undefined, verdict: 'patch is correct', findings: [{ ...JSON_REVIEW.findings[0], code_location: loc }] }));
    expect(out.verdict).toBe('patch is correct');
    expect(out.findings[0]!.codeLocation).toEqual({ file: '/r/a.js', lineRange: { start: 5, end: 5 } });
  });

  it('invalid JSON: the text is the review, with no findings', () => {
    expect(parseReviewOutput('{"findings": [ oops')).toEqual({ overallExplanation: '{"findings": [ oops', findings: [], verdict: null, overallConfidence: null });
    expect(parseReviewOutput('Looks fine to me.')).toMatchObject({ overallExplanation: 'Looks fine to me.', findings: [] });
    expect(parseReviewOutput('')).toMatchObject({ overallExplanation: '', findings: [] });
    expect(reviewText(parseReviewOutput(''))).toBe(REVIEW_FALLBACK_TEXT);
  });

  it('mistyped fields: drops unusable findings, normalises the rest, never throws', () => {
    const out = parseReviewOutput(
      JSON.stringify({
        findings: [
          null,
          'text',
          { title: 'no location', body: 'x' },
          { title: '', code_location: { file: 'a' } },
          { title: 'T', body: 7, priority: 9, confidence_score: 'high', code_location: { file: 'a.ts', line_range: { start: '4', end: 2 } } },
          { title: 'U', code_location: { file: 'b.ts' } },
        ],
        overall_correctness: 'maybe',
        overall_explanation: 42,
      }),
    );
    expect(out).toEqual({
      overallExplanation: '',
      verdict: null,
      overallConfidence: null,
      findings: [
        { title: 'T', body: '', priority: null, confidence: null, codeLocation: { file: 'a.ts', lineRange: { start: 4, end: 4 } } },
        { title: 'U', body: '', priority: null, confidence: null, codeLocation: { file: 'b.ts', lineRange: { start: 1, end: 1 } } },
      ],
    });
    for (const bad of ['[]', 'null', '42', '"str"', '{"findings": {"a": 1}}']) expect(() => parseReviewOutput(bad)).not.toThrow();
  });

  it('JSON -> text -> findings: what a client parses is what the model said (confidence aside)', () => {
    const out = parseReviewOutput(JSON.stringify(JSON_REVIEW));
    const back = parseReviewText(reviewText(out));
    expect(back.overallExplanation).toBe(out.overallExplanation);
    expect(back.findings).toEqual(out.findings.map((f) => ({ ...f, confidence: null })));
  });
});

function fakeModel(steps: ModelEvent[][]): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    requests,
    async *stream(request) {
      requests.push(structuredClone(request));
      const step = steps[requests.length - 1];
      if (!step) throw new Error('script exhausted');
      yield* step;
    },
  };
}

function answer(id: string, text: string): ModelEvent[] {
  const item = { type: 'message' as const, role: 'assistant' as const, id, content: [{ type: 'output_text' as const, text }] };
  return [
    { type: 'output_item_added', item: { ...item, content: [] } },
    { type: 'text_delta', itemId: id, delta: text },
    { type: 'output_item_done', item },
    { type: 'completed', responseId: 'r', usage: null },
  ];
}

const SETTINGS: TurnSettings = {
  threadId: 'thread-1',
  turnId: 'turn-1',
  cwd: process.cwd(),
  model: 'fake-model',
  instructions: 'Base instructions.',
  approvalPolicy: 'never',
  sandboxMode: 'read-only',
  reasoningEffort: null,
  commandTimeoutMs: 10_000,
};

async function review(model: ModelClient, signal = new AbortController().signal) {
  const notes: { method: string; params: any }[] = [];
  const threadHistory = [developerMessage('<permissions>ro</permissions>'), userMessage('earlier chat'), userMessage('<environment_context>\n</environment_context>')];
  const result = await runReviewTurn(
    SETTINGS,
    {
      model,
      emit: { notify: (method, params) => notes.push({ method, params }) },
      approvals: { request: async () => 'decline' },
      usage: new TokenUsageTracker(null),
      signal,
      env: process.env,
    },
    threadHistory,
    { type: 'uncommittedChanges' },
  );
  return { result, notes };
}

describe('runReviewTurn', () => {
  it('enteredReviewMode -> userMessage -> exitedReviewMode -> agentMessage; structured output requested; raw JSON kept off the wire', async () => {
    const model = fakeModel([answer('m1', JSON.stringify(JSON_REVIEW))]);
    const { result, notes } = await review(model);
    const items = notes.filter((n) => n.method === 'item/completed').map((n) => [n.params.item.type, n.params.item.review ?? n.params.item.text ?? null]);
    const text = 'One bug.\n\nReview comment:\n\n- [P1] Off by one — src/a.js:2-3\n  The loop skips the last element.';
    expect(items).toEqual([
      ['enteredReviewMode', 'current changes'],
      ['userMessage', null],
      ['exitedReviewMode', text],
      ['agentMessage', text],
    ]);
    expect(notes.some((n) => n.method === 'item/agentMessage/delta')).toBe(false);
    expect(notes.filter((n) => n.method === 'item/started').length).toBe(4);
    expect(result.outcome.status).toBe('completed');
    expect(result.outcome.lastAgentMessage?.text).toBe(text);
    expect(result.output?.findings).toHaveLength(1);
    // The request: review instructions, the thread's context items only, the review prompt, the JSON schema.
    const req = model.requests[0]!;
    expect(req.outputSchema).toEqual(REVIEW_OUTPUT_SCHEMA);
    expect(req.instructions).not.toBe('Base instructions.');
    expect(req.input.map((i) => (i.type === 'message' ? i.content[0]!.text.slice(0, 20) : i.type))).toEqual([
      '<permissions>ro</per',
      '<environment_context',
      reviewPrompt({ type: 'uncommittedChanges' }).slice(0, 20),
    ]);
  });

  it('bad model output: the text is the review, no findings, the turn completes', async () => {
    const { result, notes } = await review(fakeModel([answer('m1', 'I could not produce JSON, but the change looks fine.')]));
    expect(result.outcome.status).toBe('completed');
    expect(result.output?.findings).toEqual([]);
    const exited = notes.find((n) => n.method === 'item/completed' && n.params.item.type === 'exitedReviewMode')!;
    expect(exited.params.item.review).toBe('I could not produce JSON, but the change looks fine.');
  });

  it('a failed model call: exitedReviewMode with the fallback text, no agentMessage, a failed outcome', async () => {
    const { result, notes } = await review(fakeModel([]));
    expect(result.outcome.status).toBe('failed');
    expect(result.output).toBeNull();
    const types = notes.filter((n) => n.method === 'item/completed').map((n) => n.params.item.type);
    expect(types).toEqual(['enteredReviewMode', 'userMessage', 'exitedReviewMode']);
    expect(result.text).toBe(REVIEW_FALLBACK_TEXT);
  });

  it('what the thread history keeps: the request and the review', () => {
    const items = reviewHistoryItems({ type: 'custom', instructions: 'Check X' }, 'All good.');
    expect(items.map((i) => (i.type === 'message' ? [i.role, i.content[0]!.text] : null))).toEqual([
      ['user', 'Review requested (Check X):\nCheck X'],
      ['assistant', 'All good.'],
    ]);
  });
});
