/** The customer API's settings, read once from the environment (the only reader of `process.env`). */
import fs from 'node:fs';

export interface Settings {
  port: number;
  host: string;
  tls: { key: Buffer; cert: Buffer };
  strongroomUrl: string;
  ca: Buffer;
  introspectionKey: string;
  vaultApiKey: string;
  collection: string;
  revocationCheckSeconds: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number`);
  return Number(text);
}

/** Reads and checks the settings; throws naming the first one missing or invalid. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    port: integer(env, 'PORT', 3000),
    host: env.HOST ?? '127.0.0.1',
    tls: { key: fs.readFileSync(required(env, 'TLS_KEY')), cert: fs.readFileSync(required(env, 'TLS_CERT')) },
    strongroomUrl: required(env, 'STRONGROOM_URL'),
    ca: fs.readFileSync(required(env, 'STRONGROOM_CA')),
    introspectionKey: required(env, 'STRONGROOM_INTROSPECTION_KEY'),
    vaultApiKey: required(env, 'STRONGROOM_VAULT_KEY'),
    collection: env.CUSTOMERS_COLLECTION ?? 'customers',
    revocationCheckSeconds: integer(env, 'STRONGROOM_REVOCATION_CHECK_SECONDS', 5),
  };
}
