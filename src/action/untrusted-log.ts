// Text the Action did not write (the model's messages, test output, the agent
// phase's log) must not be able to issue workflow commands such as
// `::add-mask::`, `::set-output` or `::error::`. The runner stops processing
// commands between `::stop-commands::<token>` and `::<token>::`; the token is
// random per block, so the text cannot guess it to end the block early.

import { randomBytes } from 'node:crypto';

export interface LogSink {
  write(chunk: string): unknown;
}

const TOKEN_BYTES = 16;

/** Everything written through the returned function is inert until `end()`. */
export function openInertBlock(sink: LogSink): { write(text: string): void; end(): void } {
  const token = `tern-${randomBytes(TOKEN_BYTES).toString('hex')}`;
  sink.write(`::stop-commands::${token}\n`);
  let endsWithNewline = true;
  return {
    write(text: string) {
      if (text.length === 0) return;
      sink.write(text);
      endsWithNewline = text.endsWith('\n');
    },
    end() {
      sink.write(`${endsWithNewline ? '' : '\n'}::${token}::\n`);
    },
  };
}

/** Writes one piece of untrusted text, inert. */
export function writeInert(sink: LogSink, text: string): void {
  const block = openInertBlock(sink);
  block.write(text.endsWith('\n') ? text : `${text}\n`);
  block.end();
}
