import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh real TERN_HOME directory, optionally with a config.toml. */
export function makeTernHome(configToml?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tern-config-test-'));
  created.push(dir);
  if (configToml !== undefined) writeFileSync(path.join(dir, 'config.toml'), configToml);
  return dir;
}

/** A TERN_HOME path whose directory does not exist. */
export function missingTernHome(): string {
  const parent = makeTernHome();
  return path.join(parent, 'does', 'not', 'exist');
}

export function makeDir(parent: string, name: string): string {
  const dir = path.join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function load(
  configToml: string | undefined,
  overrides: string[] = [],
  env: NodeJS.ProcessEnv = {},
): ReturnType<typeof loadConfig> {
  return loadConfig({ ternHome: makeTernHome(configToml), overrides, env });
}

export function loadError(
  configToml: string | undefined,
  overrides: string[] = [],
  env: NodeJS.ProcessEnv = {},
): ConfigError {
  try {
    load(configToml, overrides, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}
