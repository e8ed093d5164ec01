import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveTernHome } from '../../src/config/index.js';
import { makeDir, makeTernHome } from './helpers.js';
import { writeFileSync } from 'node:fs';

describe('resolveTernHome', () => {
  it('uses $TERN_HOME when set', () => {
    expect(resolveTernHome({ TERN_HOME: '/srv/tern', HOME: '/home/me' })).toBe('/srv/tern');
  });

  it('makes a relative $TERN_HOME absolute against the working directory', () => {
    expect(resolveTernHome({ TERN_HOME: 'rel/home', HOME: '/home/me' })).toBe(path.resolve(process.cwd(), 'rel/home'));
  });

  it('expands a leading ~ in $TERN_HOME', () => {
    expect(resolveTernHome({ TERN_HOME: '~/custom', HOME: '/home/me' })).toBe('/home/me/custom');
  });

  it('falls back to ~/.tern when $TERN_HOME is unset or blank', () => {
    expect(resolveTernHome({ HOME: '/home/me' })).toBe('/home/me/.tern');
    expect(resolveTernHome({ TERN_HOME: '', HOME: '/home/me' })).toBe('/home/me/.tern');
    expect(path.isAbsolute(resolveTernHome({}))).toBe(true);
  });

  it('loadConfig reads config.toml from the resolved home', () => {
    const root = makeTernHome();
    const home = makeDir(root, 'tern-home');
    writeFileSync(path.join(home, 'config.toml'), 'model = "from-resolved-home"\n');
    const ternHome = resolveTernHome({ TERN_HOME: home });
    expect(loadConfig({ ternHome, overrides: [], env: {} }).config.model).toBe('from-resolved-home');
  });
});
