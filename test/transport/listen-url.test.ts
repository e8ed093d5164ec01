/** `--listen` values (src/transport/listen-url.ts), as the reference parses them. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultControlSocketPath, isLoopbackAddress, parseListenUrl } from '../../src/transport/listen-url.js';

describe('parseListenUrl', () => {
  it('takes stdio://, off, unix:// with and without a path, ws://IP:PORT', () => {
    expect(parseListenUrl('stdio://')).toEqual({ kind: 'stdio' });
    expect(parseListenUrl('off')).toEqual({ kind: 'off' });
    expect(parseListenUrl('unix://')).toEqual({ kind: 'unix', socketPath: null });
    expect(parseListenUrl('unix:///run/tern.sock')).toEqual({ kind: 'unix', socketPath: '/run/tern.sock' });
    expect(parseListenUrl('unix://rel.sock')).toEqual({ kind: 'unix', socketPath: path.resolve('rel.sock') });
    expect(parseListenUrl('ws://127.0.0.1:4500')).toEqual({ kind: 'websocket', host: '127.0.0.1', port: 4500 });
    expect(parseListenUrl('ws://[::1]:0')).toEqual({ kind: 'websocket', host: '::1', port: 0 });
  });

  it('refuses host names, missing ports, bad ports and other schemes with the reference wording', () => {
    for (const bad of ['ws://localhost:1', 'ws://127.0.0.1', 'ws://127.0.0.1:70000', 'ws://[127.0.0.1]:1', 'ws://::1:1']) {
      expect(() => parseListenUrl(bad), bad).toThrow('expected `ws://IP:PORT`');
    }
    for (const bad of ['stdio', 'wss://127.0.0.1:1', 'tcp://127.0.0.1:1', '']) {
      expect(() => parseListenUrl(bad), bad).toThrow('unsupported --listen URL');
    }
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '10.0.0.1', '::', '192.168.1.1'].map(isLoopbackAddress)).toEqual([false, false, false, false]);
  });

  it('puts a bare unix:// socket under the home', () => {
    expect(defaultControlSocketPath('/h')).toBe('/h/app-server-control/app-server-control.sock');
  });
});
