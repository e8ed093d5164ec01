// The model-visible conversation of one thread. Append-only: every request
// sends the whole list, so each request is a byte-for-byte prefix-extension of
// the previous one (what makes provider prompt caching work).
//
// The one exception is compaction (compaction.ts), which swaps the whole list
// for a shorter one; from then on the new list again only grows. Both
// operations are reported to the owner (the thread log writes them as
// `response_item` and `compacted` records), and `rebuildHistory` turns those
// records back into the list, so a resumed thread sends exactly the bytes the
// live one would have: nothing in the history is recomputed on resume.

import type { ResponseItem } from '../model/types.js';

/** What a compaction leaves behind: the summary and the complete new history. */
export interface CompactedRecord {
  summary: string;
  replacement_history: ResponseItem[];
}

export interface HistoryListener {
  append(item: ResponseItem): void;
  replace(record: CompactedRecord): void;
}

export class ConversationHistory {
  private list: ResponseItem[] = [];
  private readonly listener: HistoryListener;

  constructor(listener: HistoryListener | ((item: ResponseItem) => void) = () => {}) {
    this.listener = typeof listener === 'function' ? { append: listener, replace: () => {} } : listener;
  }

  append(...items: ResponseItem[]): void {
    for (const item of items) {
      this.list.push(item);
      this.listener.append(item);
    }
  }

  /** Compaction only: the history becomes `record.replacement_history`. */
  replace(record: CompactedRecord): void {
    this.list = record.replacement_history.slice();
    this.listener.replace({ summary: record.summary, replacement_history: record.replacement_history.slice() });
  }

  /** A snapshot for one request. */
  items(): ResponseItem[] {
    return this.list.slice();
  }

  get length(): number {
    return this.list.length;
  }
}

/** One line of a thread log, as far as the history is concerned. */
export interface HistoryLogRecord {
  type: string;
  payload: unknown;
}

/**
 * The history a thread log describes: `response_item` records appended in
 * order, a `compacted` record replacing everything before it. Other records
 * are ignored.
 */
export function rebuildHistory(records: Iterable<HistoryLogRecord>): ResponseItem[] {
  let items: ResponseItem[] = [];
  for (const r of records) {
    if (r.type === 'response_item') items.push(r.payload as ResponseItem);
    else if (r.type === 'compacted') items = [...(r.payload as CompactedRecord).replacement_history];
  }
  return items;
}
