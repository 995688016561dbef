/**
 * Keys: start a rotation (the master key, or a collection's data key or blind-index key), watch its progress
 * live (GET /v1/keys/jobs/:id polled until it finishes), and the list of rotation jobs with the key versions
 * they moved between.
 */
import type { components } from '@strongroom/client';
import { useEffect, useId, useState } from 'preact/hooks';
import { call } from '../api.js';
import { ErrorNote, Loading, PageHeading, SelectField, Time } from '../components/common.js';
import { useAction, useLoad } from '../components/use-load.js';
import { percentDone } from '../lib/form-values.js';
import { useSession } from '../session-context.js';

type KeyJob = components['schemas']['KeyJob'];
type Target = 'master' | 'collection' | 'index';

const POLL_MS = 500;
const KIND_NAMES: Record<KeyJob['kind'], string> = {
  master: 'Master key',
  collection: 'Collection data key',
  index: 'Collection blind-index key',
};

export function KeysPage() {
  const jobs = useLoad(async (client) => (await call(client.GET('/v1/keys/jobs'))).jobs);
  const [watching, setWatching] = useState<string | null>(null);
  return (
    <>
      <PageHeading>Keys</PageHeading>
      <StartRotation
        onStarted={(id) => {
          setWatching(id);
          jobs.reload();
        }}
      />
      {watching !== null && <JobProgress key={watching} id={watching} onFinished={jobs.reload} />}
      <h2>Key versions</h2>
      <Loading loading={jobs.loading} />
      <ErrorNote error={jobs.error} />
      {jobs.data !== null && <Versions jobs={jobs.data} />}
      <h2>Rotation jobs</h2>
      {jobs.data !== null && <JobTable jobs={jobs.data} onWatch={setWatching} />}
    </>
  );
}

function StartRotation(props: { onStarted(id: string): void }) {
  const { client } = useSession();
  const action = useAction();
  const [target, setTarget] = useState<Target>('master');
  const [collection, setCollection] = useState('');
  const collections = useLoad(async (c) =>
    (await call(c.GET('/v1/collections'))).collections.map((x) => x.name),
  );
  const names = collections.data ?? [];
  const chosen = collection === '' ? (names[0] ?? '') : collection;
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const body =
        target === 'master'
          ? { target: 'master' as const }
          : { target: 'collection' as const, collection: chosen, index: target === 'index' };
      const { job } = await call(client.POST('/v1/keys/rotate', { body }));
      props.onStarted(job.id);
    });
  };
  return (
    <section aria-labelledby="rotate-title">
      <h2 id="rotate-title">Rotate a key</h2>
      <form onSubmit={submit}>
        <div class="row">
          <SelectField
            label="Key to rotate"
            value={target}
            options={(Object.keys(KIND_NAMES) as Target[]).map((value) => ({
              value,
              label: KIND_NAMES[value],
            }))}
            onChange={(value) => setTarget(value as Target)}
          />
          {target !== 'master' && (
            <SelectField
              label="Collection"
              value={chosen}
              options={names.map((n) => ({ value: n, label: n }))}
              onChange={setCollection}
            />
          )}
        </div>
        <button type="submit" disabled={action.busy || (target !== 'master' && chosen === '')}>
          Start rotation
        </button>
      </form>
      <ErrorNote error={action.error ?? collections.error} />
    </section>
  );
}

/** A live progress bar for one job, polled until it is no longer running. */
function JobProgress(props: { id: string; onFinished(): void }) {
  const { client } = useSession();
  const id = useId();
  const [job, setJob] = useState<KeyJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const poll = async () => {
      try {
        const current = await call(client.GET('/v1/keys/jobs/{id}', { params: { path: { id: props.id } } }));
        if (!live) return;
        setJob(current);
        if (current.status === 'running') timer = setTimeout(poll, POLL_MS);
        else props.onFinished();
      } catch (caught) {
        if (live) setError(caught);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, props.id]);
  const percent = job === null ? 0 : percentDone(job);
  return (
    <section aria-labelledby={`${id}-title`} class="note">
      <h2 id={`${id}-title`}>
        Rotation {job === null ? '' : `of the ${KIND_NAMES[job.kind].toLowerCase()}`}
      </h2>
      <label for={id}>Rotation progress</label>
      <progress id={id} max={100} value={percent}>
        {percent}%
      </progress>
      <p role="status">
        {job === null
          ? 'Starting…'
          : `${job.status === 'running' ? 'Running' : job.status === 'completed' ? 'Completed' : 'Failed'}: ${job.done} of ${job.total} moved (${percent}%), version ${job.from_version} → ${job.to_version}`}
      </p>
      <ErrorNote error={error} />
    </section>
  );
}

function Versions(props: { jobs: KeyJob[] }) {
  const master = props.jobs
    .filter((job) => job.kind === 'master' && job.status === 'completed')
    .sort((a, b) => b.to_version - a.to_version)[0];
  return (
    <dl class="tree">
      <div>
        <dt>Master key</dt>
        <dd>
          {master === undefined ? (
            'not rotated through the API yet'
          ) : (
            <>
              version {master.to_version}, since <Time value={master.finished_at} />
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>Collection keys</dt>
        <dd>each collection's data and blind-index keys rotate on their own: see their jobs below</dd>
      </div>
    </dl>
  );
}

function JobTable(props: { jobs: KeyJob[]; onWatch(id: string): void }) {
  if (props.jobs.length === 0) return <p>No rotation jobs yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Key</th>
            <th scope="col">Versions</th>
            <th scope="col">Status</th>
            <th scope="col">Moved</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((job) => (
            <tr key={job.id}>
              <th scope="row">
                <Time value={job.created_at} />
              </th>
              <td>{KIND_NAMES[job.kind]}</td>
              <td>
                {job.from_version} → {job.to_version}
              </td>
              <td>
                {job.status}
                {job.status === 'running' && (
                  <button type="button" class="secondary" onClick={() => props.onWatch(job.id)}>
                    Watch progress
                  </button>
                )}
              </td>
              <td>
                {job.done} of {job.total} ({percentDone(job)}%)
              </td>
              <td>
                <Time value={job.finished_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
