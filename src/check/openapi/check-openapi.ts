/**
 * `strongroom check openapi SPEC`: loads an OpenAPI 3.0 or 3.1 document (file or https URL, JSON or YAML),
 * resolves its local `$ref`s and runs every rule, returning a report whose findings carry the JSON pointer and,
 * where it can be found, the line.
 */
import { $RefParser } from '@apidevtools/json-schema-ref-parser';
import { CheckInputError } from '../check-error.js';
import { createFindingCollector } from '../collector.js';
import type { CheckReport } from '../finding.js';
import { type LoadSpecOptions, loadSpec } from './load-spec.js';
import { OPENAPI_RULE_LIST, OPENAPI_RULES } from './openapi-rules.js';
import { operationsOf } from './operations.js';
import { checkParameters } from './parameter-rules.js';
import { checkSchemas } from './schema-rules.js';
import { checkSecurity } from './security-rules.js';
import { createSpecContext, isObject, type RawFinding } from './spec-context.js';
import { createLineLookup } from './spec-lines.js';

/** Runs every rule on a parsed document; `onFinding` gets each finding once. */
export async function runOpenApiRules(document: unknown, onFinding: (finding: RawFinding) => void) {
  if (!isObject(document) || typeof document.openapi !== 'string' || !/^3\.[01]\./.test(document.openapi)) {
    throw new CheckInputError(
      isObject(document) && 'swagger' in document
        ? 'Swagger 2.0 is not supported: convert the spec to OpenAPI 3'
        : 'not an OpenAPI 3.0 or 3.1 document (no `openapi: 3.x` field)',
    );
  }
  // Local references only: a spec must not make the checker read files or fetch URLs it names.
  const refs = await new $RefParser().resolve(structuredClone(document), {
    resolve: { external: false, file: false, http: false },
  });
  const context = createSpecContext(document, refs, onFinding);
  const operations = operationsOf(context);
  checkSecurity(context, operations);
  checkParameters(context, operations);
  checkSchemas(context, operations);
  return { operations: operations.length };
}

export async function checkOpenApi(source: string, options: LoadSpecOptions = {}): Promise<CheckReport> {
  const spec = await loadSpec(source, options);
  const collector = createFindingCollector('openapi', OPENAPI_RULE_LIST);
  const lineOf = createLineLookup(spec.text, spec.format);
  const { operations } = await runOpenApiRules(spec.document, (finding) => {
    const rule = OPENAPI_RULES[finding.rule];
    const line = lineOf(finding.pointer);
    collector.add({
      ruleId: rule.id,
      severity: finding.severity ?? rule.severity,
      message: finding.message,
      location: { file: source, pointer: finding.pointer, ...(line === undefined ? {} : { line }) },
    });
  });
  return collector.report({ operations });
}
