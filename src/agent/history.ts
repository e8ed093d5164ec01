// The model-visible conversation of one thread. Append-only: every request
// sends the whole list, so each request is a byte-for-byte prefix-extension of
// the previous one (what makes provider prompt caching work).

import type { ResponseItem } from '../model/types.js';

export class ConversationHistory {
  private readonly list: ResponseItem[] = [];

  constructor(private readonly onAppend: (item: ResponseItem) => void = () => {}) {}

  append(...items: ResponseItem[]): void {
    for (const item of items) {
      this.list.push(item);
      this.onAppend(item);
    }
  }

  /** A snapshot for one request. */
  items(): ResponseItem[] {
    return this.list.slice();
  }

  get length(): number {
    return this.list.length;
  }
}
