/** Config keys of prompt layering and compaction: model_auto_compact_token_limit, compact_prompt, project_doc_*. */
import { describe, expect, it } from 'vitest';
import { load, loadError } from './helpers.js';

describe('compaction and AGENTS.md keys', () => {
  it('defaults: no limit override, built-in prompt, default AGENTS.md budget, no fallback names', () => {
    const { config, warnings } = load(undefined);
    expect(config.modelAutoCompactTokenLimit).toBeNull();
    expect(config.compactPrompt).toBeNull();
    expect(config.projectDocMaxBytes).toBeNull();
    expect(config.projectDocFallbackFilenames).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('reads them from the file and from -c, without unknown-key warnings', () => {
    const { config, warnings } = load(
      'model_auto_compact_token_limit = 50000\nproject_doc_fallback_filenames = ["CLAUDE.md", "GUIDE.md"]\n',
      ['project_doc_max_bytes=0', 'compact_prompt="Summarise."'],
    );
    expect(config.modelAutoCompactTokenLimit).toBe(50000);
    expect(config.projectDocMaxBytes).toBe(0);
    expect(config.compactPrompt).toBe('Summarise.');
    expect(config.projectDocFallbackFilenames).toEqual(['CLAUDE.md', 'GUIDE.md']);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['model_auto_compact_token_limit', '0', /expected a positive integer, got the integer 0/],
    ['project_doc_max_bytes', '-1', /expected a non-negative integer/],
    ['compact_prompt', '1', /expected a string, got the integer 1/],
    ['project_doc_fallback_filenames', '"CLAUDE.md"', /expected an array of file names/],
    ['project_doc_fallback_filenames', '[1]', /expected a file name \(string\)/],
    ['project_doc_fallback_filenames', '["docs/AGENTS.md"]', /plain file names without directories/],
  ])('rejects %s = %s', (key, value, pattern) => {
    const err = loadError(undefined, [`${key}=${value}`]);
    expect(err.message).toContain(key);
    expect(err.message).toMatch(pattern);
  });
});
