/**
 * Reads a policy document from a JSON (`.json`) or YAML (`.yaml`, `.yml`) file for loading at start.
 * Errors name the file and, for an invalid document, the path inside it (`$.roles.nurse.rules[0].effect`) —
 * never a value from the file. YAML is parsed by policy-yaml.ts: one document, unique keys, no tags, and a cap on
 * alias expansion, so a crafted file cannot blow up memory ("billion laughs").
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { configError } from '../config.js';
import { isAppError } from '../errors.js';
import { compilePolicy, type Policy } from '../policy/index.js';
import { parsePolicyYaml, yamlPosition } from './policy-yaml.js';

function parseDocument(file: string, text: string): unknown {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw configError('CONFIG_POLICY_FILE_INVALID', 'policyFile', `policyFile ${file} is not valid JSON`);
    }
  }
  if (extension === '.yaml' || extension === '.yml') {
    const parsed = parsePolicyYaml(text);
    if (parsed.ok) return parsed.document;
    throw configError(
      'CONFIG_POLICY_FILE_INVALID',
      'policyFile',
      `policyFile ${file} ${parsed.problem}${yamlPosition(parsed)}`,
    );
  }
  throw configError(
    'CONFIG_POLICY_FILE_INVALID',
    'policyFile',
    `policyFile ${file} must end in .json, .yaml or .yml`,
  );
}

/** Reads and compiles a policy file; throws a CONFIG_* AppError naming the file (and the path of an invalid part). */
export async function readPolicyFile(file: string): Promise<{ document: unknown; policy: Policy }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw configError(
      'CONFIG_POLICY_FILE_UNREADABLE',
      'policyFile',
      `policyFile ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const document = parseDocument(file, text);
  try {
    return { document, policy: compilePolicy(document) };
  } catch (error) {
    if (isAppError(error, 'VALIDATION_FAILED'))
      throw configError('CONFIG_POLICY_FILE_INVALID', 'policyFile', `policyFile ${file}: ${error.message}`);
    throw error;
  }
}
