/**
 * Posture: the deployment's security posture from `GET /v1/sys/posture` (the findings `strongroom check
 * deployment` reads) when the server has that route; otherwise the readiness details every server has
 * (/healthz, /readyz, /v1/sys/seal-status).
 */
import { call, type StrongroomClient, StrongroomError } from '../api.js';
import { ErrorNote, Loading, PageHeading } from '../components/common.js';
import { useLoad } from '../components/use-load.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface Readiness {
  health: { status: string; sealed: boolean } | null;
  ready: { ok: true } | { ok: false; code: string; message: string };
  seal: Record<string, Json> | null;
}

type PostureData =
  | { kind: 'posture'; posture: Record<string, Json> }
  | { kind: 'readiness'; readiness: Readiness };

// The route may be newer than the client's generated types: called by path, its answer read as JSON.
type LooseGet = (path: string) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

async function loadPosture(client: StrongroomClient): Promise<PostureData> {
  try {
    const posture = await call((client.GET as unknown as LooseGet)('/v1/sys/posture'));
    return { kind: 'posture', posture: posture as Record<string, Json> };
  } catch (error) {
    if (!(error instanceof StrongroomError && error.status === 404)) throw error;
  }
  const health = await call(client.GET('/healthz')).catch(() => null);
  const seal = (await call(client.GET('/v1/sys/seal-status')).catch(() => null)) as Record<
    string,
    Json
  > | null;
  let ready: Readiness['ready'];
  try {
    await call(client.GET('/readyz'));
    ready = { ok: true };
  } catch (error) {
    ready =
      error instanceof StrongroomError
        ? { ok: false, code: error.code, message: error.message }
        : { ok: false, code: 'UNREACHABLE', message: 'The server did not answer' };
  }
  return { kind: 'readiness', readiness: { health, ready, seal } };
}

/** Any JSON value as nested definition lists, keys as the server names them. */
function JsonView(props: { value: Json }) {
  const { value } = props;
  if (value === null) return <span class="muted">none</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span class="muted">none</span>;
    return (
      <ul class="plain">
        {value.map((item, index) => (
          <li key={index}>
            <JsonView value={item} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    return (
      <dl class="tree">
        {Object.entries(value).map(([key, item]) => (
          <div key={key}>
            <dt>{key.replaceAll('_', ' ')}</dt>
            <dd>
              <JsonView value={item} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  if (typeof value === 'boolean') return <span class={value ? 'yes' : 'no'}>{value ? 'yes' : 'no'}</span>;
  return <span class="mono">{String(value)}</span>;
}

export function PosturePage() {
  const { data, error, loading, reload } = useLoad(loadPosture);
  return (
    <>
      <PageHeading>Posture</PageHeading>
      <div class="actions">
        <button type="button" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </div>
      <Loading loading={loading} />
      <ErrorNote error={error} />
      {data?.kind === 'posture' && (
        <section aria-labelledby="posture-findings">
          <h2 id="posture-findings">Deployment posture</h2>
          <p class="small">
            From <code>GET /v1/sys/posture</code>, the facts <code>strongroom check deployment</code> judges.
          </p>
          <JsonView value={data.posture} />
        </section>
      )}
      {data?.kind === 'readiness' && <ReadinessView readiness={data.readiness} />}
    </>
  );
}

function ReadinessView(props: { readiness: Readiness }) {
  const { health, ready, seal } = props.readiness;
  return (
    <section aria-labelledby="posture-readiness">
      <h2 id="posture-readiness">Readiness</h2>
      <p class="small">This server has no posture report; these are its health and readiness answers.</p>
      <dl class="tree">
        <div>
          <dt>Alive</dt>
          <dd>{health === null ? 'no answer' : health.status}</dd>
        </div>
        <div>
          <dt>Sealed</dt>
          <dd>{health === null ? 'unknown' : health.sealed ? 'yes' : 'no'}</dd>
        </div>
        <div>
          <dt>Ready</dt>
          <dd>
            {ready.ok ? (
              <span class="yes">ready</span>
            ) : (
              <span class="no">
                {ready.code}: {ready.message}
              </span>
            )}
          </dd>
        </div>
      </dl>
      {seal !== null && (
        <>
          <h3>Seal status</h3>
          <JsonView value={seal} />
        </>
      )}
    </section>
  );
}
