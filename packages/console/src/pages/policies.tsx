/**
 * Policies: the document in force (highlighted YAML), applying a new one (policy-editor.tsx), its history with
 * rollback, and a line diff between any two versions.
 */
import type { components } from '@strongroom/client';
import { useState } from 'preact/hooks';
import { stringify } from 'yaml';
import { call, type StrongroomClient } from '../api.js';
import { CodeView, DiffView } from '../components/code-view.js';
import { ErrorNote, Loading, PageHeading, SelectField, Time } from '../components/common.js';
import { useAction, useLoad } from '../components/use-load.js';
import { diffRows } from '../lib/diff-rows.js';
import { useSession } from '../session-context.js';
import { PolicyEditor } from './policy-editor.js';

type PolicyVersion = components['schemas']['PolicyVersion'];
type Summary = Omit<PolicyVersion, 'document'>;

/** A policy document as the YAML the console shows and edits. */
export const toYaml = (document: PolicyVersion['document']) => stringify(document, { lineWidth: 0 });

async function loadPolicies(client: StrongroomClient) {
  const [current, history] = await Promise.all([
    call(client.GET('/v1/policies/current')),
    call(client.GET('/v1/policies', { params: { query: { limit: 100 } } })),
  ]);
  return { current, versions: history.policies };
}

export function PoliciesPage() {
  const loaded = useLoad(loadPolicies);
  const current = loaded.data?.current;
  return (
    <>
      <PageHeading>Policies</PageHeading>
      <Loading loading={loaded.loading} />
      <ErrorNote error={loaded.error} />
      {current !== undefined && loaded.data !== null && (
        <>
          <section aria-labelledby="policy-current">
            <h2 id="policy-current">Current policy: version {current.version}</h2>
            <p class="small">
              Source {current.source}, since <Time value={current.created_at} />.
            </p>
            <CodeView text={toYaml(current.document)} label={`Policy version ${current.version}`} />
          </section>
          <PolicyEditor
            key={current.version}
            initial={toYaml(current.document)}
            baseVersion={current.version}
            onApplied={loaded.reload}
          />
          <History versions={loaded.data.versions} current={current.version} onRolledBack={loaded.reload} />
          <Compare versions={loaded.data.versions} current={current.version} />
        </>
      )}
    </>
  );
}

function History(props: { versions: Summary[]; current: number; onRolledBack(): void }) {
  const { client } = useSession();
  const action = useAction();
  const rollback = (version: number) =>
    action.run(async () => {
      await call(
        client.POST('/v1/policies/rollback', {
          params: { header: { 'if-match': `"${props.current}"` } },
          body: { version },
        }),
      );
      props.onRolledBack();
    });
  return (
    <section aria-labelledby="policy-history">
      <h2 id="policy-history">History</h2>
      <ErrorNote error={action.error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Source</th>
              <th scope="col">By</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.versions.map((version) => (
              <tr key={version.version}>
                <th scope="row">
                  {version.version}
                  {version.version === props.current && <span class="badge">in force</span>}
                </th>
                <td>{version.source}</td>
                <td class="mono">{version.created_by ?? '—'}</td>
                <td>
                  <Time value={version.created_at} />
                </td>
                <td>
                  {version.version !== props.current && (
                    <button
                      type="button"
                      class="secondary"
                      disabled={action.busy}
                      onClick={() => rollback(version.version)}
                    >
                      Roll back to version {version.version}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Compare(props: { versions: Summary[]; current: number }) {
  const numbers = props.versions.map((v) => String(v.version));
  const [from, setFrom] = useState(numbers[1] ?? numbers[0] ?? '');
  const [to, setTo] = useState(String(props.current));
  const diff = useLoad(
    async (client) => {
      if (from === '' || to === '') return null;
      const read = (version: string) =>
        call(client.GET('/v1/policies/{version}', { params: { path: { version } } }));
      const [before, after] = await Promise.all([read(from), read(to)]);
      return diffRows(toYaml(before.document), toYaml(after.document));
    },
    [from, to],
  );
  return (
    <section aria-labelledby="policy-compare">
      <h2 id="policy-compare">Compare versions</h2>
      <div class="row">
        <SelectField
          label="From version"
          value={from}
          options={numbers.map((n) => ({ value: n, label: n }))}
          onChange={setFrom}
        />
        <SelectField
          label="To version"
          value={to}
          options={numbers.map((n) => ({ value: n, label: n }))}
          onChange={setTo}
        />
      </div>
      <ErrorNote error={diff.error} />
      {diff.data !== null && diff.data !== undefined && (
        <>
          <p class="small" role="status">
            {diff.data.filter((r) => r.kind === 'add').length} lines added,{' '}
            {diff.data.filter((r) => r.kind === 'del').length} removed.
          </p>
          {diff.data.some((row) => row.kind !== 'same') && (
            <DiffView rows={diff.data} label={`Changes from version ${from} to version ${to}`} />
          )}
        </>
      )}
    </section>
  );
}
