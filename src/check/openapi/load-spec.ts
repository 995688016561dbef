/**
 * Loads an OpenAPI document from a file or an https URL, bounded in size, and parses JSON or YAML.
 *
 * Invariants: URLs must be https, redirects too (at most 5), and the body is cut off past `maxBytes` before it is
 * parsed, so a hostile server cannot fill memory; YAML is parsed with the library's alias limit, so an alias bomb
 * fails instead of expanding. Nothing in the document is executed or fetched (external `$ref`s stay unresolved).
 */
import fs from 'node:fs/promises';
import https from 'node:https';
import { parse as parseYaml } from 'yaml';
import { CheckInputError } from '../check-error.js';

export const DEFAULT_MAX_SPEC_BYTES = 64 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const TIMEOUT_MS = 30_000;

export interface LoadedSpec {
  readonly source: string;
  readonly text: string;
  readonly format: 'json' | 'yaml';
  readonly document: unknown;
}

export interface LoadSpecOptions {
  readonly maxBytes?: number;
  /** Extra CA certificates (PEM) trusted for an https URL. */
  readonly ca?: Buffer;
}

function fetchOnce(url: URL, options: Required<Pick<LoadSpecOptions, 'maxBytes'>> & LoadSpecOptions) {
  return new Promise<{ redirect: string } | { body: string }>((resolve, reject) => {
    const request = https.get(
      url,
      {
        timeout: TIMEOUT_MS,
        headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.1' },
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location !== undefined) {
          response.resume();
          resolve({ redirect: response.headers.location });
          return;
        }
        if (status !== 200) {
          response.resume();
          reject(new CheckInputError(`cannot fetch the spec: HTTP ${status}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            request.destroy();
            reject(new CheckInputError(`the spec is larger than ${options.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', () => reject(new CheckInputError('cannot fetch the spec: connection failed')));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) =>
      reject(
        error instanceof CheckInputError
          ? error
          : new CheckInputError(
              `cannot fetch the spec (${(error as NodeJS.ErrnoException).code ?? error.message})`,
            ),
      ),
    );
  });
}

async function fetchSpec(source: string, options: LoadSpecOptions, maxBytes: number): Promise<string> {
  let url = new URL(source);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== 'https:') throw new CheckInputError('spec URLs must use https');
    const answer = await fetchOnce(url, { ...options, maxBytes });
    if ('body' in answer) return answer.body;
    url = new URL(answer.redirect, url);
  }
  throw new CheckInputError('too many redirects fetching the spec');
}

async function readSpecFile(file: string, maxBytes: number): Promise<string> {
  const stat = await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new CheckInputError(`cannot read spec ${file} (${error.code ?? 'error'})`);
  });
  if (!stat.isFile()) throw new CheckInputError(`spec ${file} is not a file`);
  if (stat.size > maxBytes) throw new CheckInputError(`spec ${file} is larger than ${maxBytes} bytes`);
  return fs.readFile(file, 'utf8');
}

/** Parses JSON (a document starting with `{`) or YAML; a syntax error names the format, not the content. */
export function parseSpecText(text: string): { format: 'json' | 'yaml'; document: unknown } {
  const isJson = /^\s*\{/.test(text);
  try {
    return isJson
      ? { format: 'json', document: JSON.parse(text) }
      : { format: 'yaml', document: parseYaml(text) };
  } catch {
    throw new CheckInputError(`the spec is not valid ${isJson ? 'JSON' : 'YAML'}`);
  }
}

/** Reads `source` (a path, or an https URL) and parses it. */
export async function loadSpec(source: string, options: LoadSpecOptions = {}): Promise<LoadedSpec> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SPEC_BYTES;
  if (/^http:\/\//i.test(source)) throw new CheckInputError('spec URLs must use https');
  const text = /^https:\/\//i.test(source)
    ? await fetchSpec(source, options, maxBytes)
    : await readSpecFile(source, maxBytes);
  return { source, text, ...parseSpecText(text) };
}
