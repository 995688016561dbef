/**
 * Posture: the findings `strongroom check deployment` makes of `GET /v1/sys/posture`, judged here by the same
 * code (lib/posture-judgement.ts), highest severity first, the raw posture below them; when the posture is
 * refused, missing or fails, the readiness details every server has (/healthz, /readyz, /v1/sys/seal-status).
 */
import { call, type StrongroomClient, StrongroomError } from '../api.js';
import { ErrorNote, Loading, PageHeading } from '../components/common.js';
import { type Json, JsonView } from '../components/json-view.js';
import { useLoad } from '../components/use-load.js';
import { FindingsView } from './posture-findings-view.js';

interface Readiness {
  health: { status: string; sealed: boolean } | null;
  ready: { ok: true } | { ok: false; code: string; message: string };
  seal: Record<string, Json> | null;
}

type PostureData =
  | { kind: 'posture'; posture: Record<string, Json> }
  | { kind: 'readiness'; readiness: Readiness; why: string };

// The route may be newer than the client's generated types: called by path, its answer read as JSON.
type LooseGet = (path: string) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

async function loadPosture(client: StrongroomClient): Promise<PostureData> {
  let why: string;
  try {
    const posture = await call((client.GET as unknown as LooseGet)('/v1/sys/posture'));
    return { kind: 'posture', posture: posture as Record<string, Json> };
  } catch (error) {
    // Signed out is the session's business; anything else (absent, refused, failed) falls back to readiness.
    if (error instanceof StrongroomError && error.status === 401) throw error;
    why = !(error instanceof StrongroomError)
      ? 'The posture report could not be read'
      : error.status === 404
        ? 'This server has no posture report'
        : error.status === 403
          ? `The posture report was refused (${error.code})`
          : `The posture report failed (${error.code})`;
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
  return { kind: 'readiness', readiness: { health, ready, seal }, why };
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
      {data?.kind === 'posture' && <FindingsView posture={data.posture} />}
      {data?.kind === 'readiness' && <ReadinessView readiness={data.readiness} why={data.why} />}
    </>
  );
}

function ReadinessView(props: { readiness: Readiness; why: string }) {
  const { health, ready, seal } = props.readiness;
  return (
    <section aria-labelledby="posture-readiness">
      <h2 id="posture-readiness">Readiness</h2>
      <p class="small">{props.why}; these are its health and readiness answers.</p>
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
