// The reason phrase of an HTTP status code ("404" -> "Not Found"), from node:http's
// own table, loaded on first use. Not `import { STATUS_CODES } from 'node:http'`:
// an ES import of a builtin evaluates every export of it, and node:http's include
// lazy getters that load Node's fetch implementation (undici). At start-up that
// costs Node 24 about 14 MiB and tens of milliseconds, for a table read only when a
// model request fails. A CommonJS require reads just the one property.

import { createRequire } from 'node:module';

export function httpStatusText(status: number): string | undefined {
  const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
  return http.STATUS_CODES[status];
}
