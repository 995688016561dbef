/**
 * Reads one setting: the command-line flag, else the `STRONGROOM_*` environment variable, else the default.
 * Invalid values are CONFIG_* errors naming the setting and its variable, never echoing the value (it may be a key).
 */
import { AppError, type ErrorCode, isAppError } from '../errors.js';
import type { ConfigFlags } from './types.js';

/** Codes of configuration errors (internal: they stop the process and never reach a client). */
export type ConfigErrorCode = Extract<ErrorCode, `CONFIG_${string}`>;

/** A configuration error: an AppError whose `field` is the setting; the message names it, never its value. */
export function configError(code: ConfigErrorCode, setting: string, message: string): AppError {
  return new AppError(code, { field: setting, message });
}

/** True for a configuration error (any CONFIG_* code). */
export function isConfigError(value: unknown): value is AppError {
  return isAppError(value) && value.code.startsWith('CONFIG_');
}

export function envName(key: string): string {
  return `STRONGROOM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export function createReader(flags: ConfigFlags, env: NodeJS.ProcessEnv) {
  const raw = (key: string): string | undefined => {
    const flag = flags[key];
    if (flag !== undefined) return String(flag);
    const fromEnv = env[envName(key)];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const str = (key: string, fallback: string): string => raw(key) ?? fallback;
  const optional = (key: string): string | null => raw(key) ?? null;
  const int = (key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value = raw(key);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value))
      throw configError('CONFIG_NOT_A_NUMBER', key, `${key} (${envName(key)}) must be a whole number`);
    const n = Number(value);
    if (n < min || n > max)
      throw configError(
        'CONFIG_OUT_OF_RANGE',
        key,
        `${key} (${envName(key)}) must be between ${min} and ${max}`,
      );
    return n;
  };
  return { raw, str, optional, int };
}

export type SettingReader = ReturnType<typeof createReader>;
