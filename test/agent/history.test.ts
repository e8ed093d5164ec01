/** The conversation history: append-only, replaced only by compaction, and rebuilt from its log records. */
import { describe, expect, it } from 'vitest';
import { ConversationHistory, rebuildHistory, type HistoryLogRecord } from '../../src/agent/history.js';
import { userMessage } from '../../src/agent/prompt.js';

describe('ConversationHistory', () => {
  it('reports appends and replacements, and hands out snapshots', () => {
    const records: HistoryLogRecord[] = [];
    const h = new ConversationHistory({
      append: (item) => records.push({ type: 'response_item', payload: item }),
      replace: (record) => records.push({ type: 'compacted', payload: record }),
    });
    h.append(userMessage('a'), userMessage('b'));
    const snap = h.items();
    h.append(userMessage('c'));
    expect(snap).toHaveLength(2);
    h.replace({ summary: 'S', replacement_history: [userMessage('a'), userMessage('S')] });
    h.append(userMessage('d'));
    expect(h.items()).toEqual([userMessage('a'), userMessage('S'), userMessage('d')]);
    expect(records.map((r) => r.type)).toEqual(['response_item', 'response_item', 'response_item', 'compacted', 'response_item']);
  });

  it('accepts a bare append callback', () => {
    const seen: unknown[] = [];
    const h = new ConversationHistory((item) => seen.push(item));
    h.append(userMessage('x'));
    expect(seen).toHaveLength(1);
  });
});

describe('rebuildHistory', () => {
  it('replays response items, applies compactions, and skips every other record', () => {
    const records: HistoryLogRecord[] = [
      { type: 'session_meta', payload: { id: 't' } },
      { type: 'response_item', payload: userMessage('1') },
      { type: 'event', payload: { method: 'turn/started' } },
      { type: 'response_item', payload: userMessage('2') },
      { type: 'compacted', payload: { summary: 'S', replacement_history: [userMessage('1'), userMessage('S')] } },
      { type: 'turn_context', payload: {} },
      { type: 'response_item', payload: userMessage('3') },
    ];
    expect(rebuildHistory(records)).toEqual([userMessage('1'), userMessage('S'), userMessage('3')]);
  });
});
