/**
 * `optOutNotificationMethods` against the 0.169.0 schema: a client that opts out of every
 * notification method the schema defines receives none at all during a whole tools turn with
 * approvals (while its responses and the server's approval requests still arrive), and every
 * notification tern sends when nothing is opted out is one of those schema methods, so the
 * opt-out covers everything the server emits. Spawns dist/tern.js: build first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELLO_REPO, toolsScript } from '../fixtures/scenarios.js';
import { createTempRepo } from '../support/git-repo.js';
import type { JsonlPeer } from '../support/jsonl-peer.js';
import { protocolSchemaDir } from '../support/protocol-schema.js';
import { initialize, notifications, useTernAppServers } from '../support/tern-session.js';

const tern = useTernAppServers('tern-opt-out-');

/** Every server notification method of the 0.169.0 schema. */
async function schemaNotificationMethods(): Promise<string[]> {
  const schema = JSON.parse(readFileSync(path.join(await protocolSchemaDir(), 'ServerNotification.json'), 'utf8')) as {
    oneOf: { properties: { method: { enum: string[] } } }[];
  };
  return schema.oneOf.map((v) => v.properties.method.enum[0]!);
}

/** A tools turn under `untrusted` (every command asks; all accepted), with a config warning at start. */
async function toolsTurn(optOut: string[] | null): Promise<JsonlPeer> {
  const { peer } = await tern.launch(toolsScript(), { extraArgs: ['-c', 'no_such_key_for_opt_out=1'] });
  await initialize(peer, optOut === null ? null : { optOutNotificationMethods: optOut });
  peer.onServerRequest(() => ({ decision: 'accept' }));
  const cwd = createTempRepo(HELLO_REPO, tern.workRoot);
  const { thread } = await peer.request('thread/start', { cwd, approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
  const { turn } = await peer.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'go' }] });
  // Without notifications the end of the turn is read back, not heard.
  for (;;) {
    const read = await peer.request('thread/read', { threadId: thread.id, includeTurns: true });
    const status = read.thread.turns.find((t: { id: string }) => t.id === turn.id)?.status;
    if (status && status !== 'inProgress') {
      expect(status).toBe('completed');
      return peer;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('optOutNotificationMethods', () => {
  it('suppresses every schema notification method, and only notifications', async () => {
    const all = await schemaNotificationMethods();
    expect(all.length).toBeGreaterThan(50);
    const peer = await toolsTurn([...all, 'no/such/notification']);
    expect(notifications(peer)).toEqual([]);
    const s2c = peer.transcript.filter((e) => e.dir === 's2c').map((e) => e.msg as Record<string, unknown>);
    // Server requests (approvals) are never suppressed.
    expect(s2c.filter((m) => m.method === 'item/commandExecution/requestApproval').length).toBeGreaterThan(0);
    tern.expectConforms(peer);
  });

  it('sends only schema notification methods when nothing is opted out, and drops exactly the opted-out ones', async () => {
    const all = new Set(await schemaNotificationMethods());
    const full = await toolsTurn(null);
    const sent = new Set(notifications(full).map((n) => n.method as string));
    expect([...sent].filter((m) => !all.has(m))).toEqual([]);
    const dropped = ['item/started', 'configWarning', 'serverRequest/resolved'];
    const kept = ['thread/started', 'turn/started', 'item/completed', 'turn/completed'];
    for (const m of [...dropped, ...kept]) expect(sent).toContain(m);
    const partial = await toolsTurn(dropped);
    const sentPartial = new Set(notifications(partial).map((n) => n.method as string));
    expect(dropped.filter((m) => sentPartial.has(m))).toEqual([]);
    expect(kept.filter((m) => !sentPartial.has(m))).toEqual([]);
    tern.expectConforms(partial);
  });

  it('refuses an ill-typed list at initialize with the reference wording', async () => {
    const { peer } = await tern.launch([]);
    const clientInfo = { name: 'x', version: '1' };
    await expect(peer.request('initialize', { clientInfo, capabilities: { optOutNotificationMethods: [1] } })).rejects.toEqual({
      code: -32600,
      message: 'Invalid request: invalid type: integer `1`, expected a string',
    });
    await expect(peer.request('initialize', { clientInfo, capabilities: { optOutNotificationMethods: 'thread/started' } })).rejects.toEqual({
      code: -32600,
      message: 'Invalid request: invalid type: string "thread/started", expected a sequence',
    });
    await expect(peer.request('initialize', { clientInfo, capabilities: 5 })).rejects.toEqual({
      code: -32600,
      message: 'Invalid request: invalid type: integer `5`, expected struct InitializeCapabilities',
    });
    // None of these initialized the connection.
    await expect(peer.request('initialize', { clientInfo, capabilities: { optOutNotificationMethods: null } })).resolves.toHaveProperty('userAgent');
  });
});
