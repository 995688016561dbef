/**
 * `strongroom policies show | apply FILE | diff FILE | history | get VERSION | rollback VERSION`. Files may be YAML
 * or JSON. `apply` and `rollback` show the line diff against the policy in force, ask for a typed confirmation
 * (or `--yes`), and send `If-Match` with the version they compared against, so a policy someone else changed
 * meanwhile is not overwritten (412, nothing changes).
 */
import { type StrongroomClient, unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { CliError } from '../cli-error.js';
import { emit, printTable, stderr, stdout } from '../output.js';
import {
  type ApiFlags,
  apiOptions,
  confirmTyped,
  positiveInt,
  readTextFile,
  untyped,
  unwrapAny,
  withApi,
} from './shared.js';

interface PolicyVersion {
  version: number;
  source: string;
  created_by: string | null;
  created_at: string;
  document: unknown;
}

/** The policy document in FILE (YAML or JSON); a syntax error names the line and column, nothing is sent. */
export function readPolicyFile(file: string): unknown {
  const text = readTextFile(file);
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : '';
    throw new CliError('USAGE', `${file} is not valid YAML or JSON: ${first.replace(/:$/, '')}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('USAGE', `${file} must hold a policy document ({version: 1, purposes, roles})`);
  }
  // A version as `policies get --json` prints it: its document is the policy.
  const record = value as Record<string, unknown>;
  return 'document' in record && typeof record.document === 'object' ? record.document : value;
}

/** A readable line diff of two documents, both written as YAML so formatting differences do not show. */
export function policyDiff(fromName: string, from: unknown, toName: string, to: unknown): string | null {
  const before = toYaml(from);
  const after = toYaml(to);
  if (before === after) return null;
  return createTwoFilesPatch(fromName, toName, before, after, undefined, undefined, { context: 3 })
    .split('\n')
    .slice(1) // the "Index:" / "===" banner adds nothing here
    .filter((line) => !/^=+$/.test(line))
    .join('\n');
}

async function current(client: StrongroomClient): Promise<PolicyVersion> {
  return unwrap(await client.GET('/v1/policies/current')) as PolicyVersion;
}

async function getVersion(client: StrongroomClient, version: number): Promise<PolicyVersion> {
  return unwrapAny<PolicyVersion>(
    await untyped(client).GET('/v1/policies/{version}', { params: { path: { version } } }),
  );
}

function printVersion(flags: ApiFlags, version: PolicyVersion): void {
  emit(flags.json, version, (value) => {
    stderr.line(`# policy version ${value.version} (${value.source}, ${value.created_at})`);
    process.stdout.write(toYaml(value.document));
  });
}

/** Shows the diff, confirms, and stores `document` as a new version (If-Match: the version compared against). */
async function replace(
  client: StrongroomClient,
  document: unknown,
  target: string,
  flags: ApiFlags & { yes?: boolean },
  store: (client: StrongroomClient, ifMatch: string) => Promise<PolicyVersion>,
): Promise<PolicyVersion | null> {
  const now = await current(client);
  const diff = policyDiff(`version ${now.version} (in force)`, now.document, target, document);
  if (diff === null) return null;
  process.stderr.write(`${diff}\n`);
  await confirmTyped('apply', `This replaces policy version ${now.version}.`, flags.yes);
  return store(client, `"${now.version}"`);
}

async function apply(file: string, flags: ApiFlags & { yes?: boolean }): Promise<void> {
  const document = readPolicyFile(file);
  const stored = await withApi(flags, (client) =>
    replace(client, document, file, flags, async (c, ifMatch) =>
      unwrapAny<PolicyVersion>(
        await untyped(c).PUT('/v1/policies', { body: document, headers: { 'if-match': ifMatch } }),
      ),
    ),
  );
  report(flags, stored);
}

async function rollback(version: number, flags: ApiFlags & { yes?: boolean }): Promise<void> {
  const stored = await withApi(flags, async (client) => {
    const old = await getVersion(client, version);
    return replace(client, old.document, `version ${version}`, flags, async (c, ifMatch) =>
      unwrapAny<PolicyVersion>(
        await untyped(c).POST('/v1/policies/rollback', {
          body: { version },
          headers: { 'if-match': ifMatch },
        }),
      ),
    );
  });
  report(flags, stored);
}

function report(flags: ApiFlags, stored: PolicyVersion | null): void {
  if (stored === null) {
    emit(flags.json, { changed: false }, () => stdout.line('No change: the policy in force is the same.'));
    return;
  }
  emit(flags.json, stored, (value) => stdout.line(`Policy version ${value.version} is in force.`));
}

const versionArgument = positiveInt('VERSION');

export function registerPolicyCommands(program: Command): void {
  const policies = program.command('policies').description('the access policy and its versions (admin)');

  apiOptions(policies.command('show').description('the policy in force, as YAML')).action(
    async (flags: ApiFlags) => printVersion(flags, await withApi(flags, current)),
  );

  apiOptions(
    policies
      .command('diff')
      .argument('<file>', 'policy file (YAML or JSON)')
      .description('what apply would change'),
  ).action(async (file: string, flags: ApiFlags) => {
    const document = readPolicyFile(file);
    const now = await withApi(flags, current);
    const diff = policyDiff(`version ${now.version} (in force)`, now.document, file, document);
    emit(flags.json, { version: now.version, changed: diff !== null, diff }, (value) =>
      stdout.line(value.diff ?? 'No change: the file is the policy in force.'),
    );
  });

  apiOptions(
    policies
      .command('apply')
      .argument('<file>', 'policy file (YAML or JSON)')
      .description('show the diff, then store the file as the new version'),
  )
    .addOption(new Option('--yes', 'do not ask for confirmation'))
    .action(apply);

  apiOptions(policies.command('history').description('stored versions, newest first')).action(
    async (flags: ApiFlags) => {
      const { policies: list } = await withApi(flags, async (client) =>
        unwrap(await client.GET('/v1/policies')),
      );
      emit(flags.json, list, (value) =>
        printTable(stdout, value, ['version', 'source', 'created_by', 'created_at']),
      );
    },
  );

  apiOptions(
    policies
      .command('get')
      .argument('<version>', 'version number', versionArgument)
      .description('one stored version, as YAML'),
  ).action(async (version: number, flags: ApiFlags) =>
    printVersion(flags, await withApi(flags, (client) => getVersion(client, version))),
  );

  apiOptions(
    policies
      .command('rollback')
      .argument('<version>', 'version number', versionArgument)
      .description('put an earlier version back in force (as a new version), after showing the diff'),
  )
    .addOption(new Option('--yes', 'do not ask for confirmation'))
    .action(rollback);
}
