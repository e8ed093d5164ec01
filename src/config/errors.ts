import { ConfigFailure } from '../util/errors.js';

/**
 * Raised for any configuration problem the user has to fix. Messages name the
 * file or `-c` flag, the key, and what was expected; they never echo values of
 * keys that may hold secrets.
 */
export class ConfigError extends ConfigFailure {
  override name = 'ConfigError';
}
