/**
 * The chain's verification status, checked in the browser from the API's answers (lib/audit-chain.ts): the
 * events link up from the retention anchor, the signed checkpoints verify (Ed25519, WebCrypto) and match their
 * events. Recomputing each event's hash from its content is `strongroom audit verify`, on the host.
 */
import { useState } from 'preact/hooks';
import { call, type StrongroomClient } from '../api.js';
import { ErrorNote } from '../components/common.js';
import { useAction } from '../components/use-load.js';
import {
  type CheckpointCheck,
  checkCheckpoints,
  checkLinks,
  type LinkCheck,
  type LinkedEvent,
} from '../lib/audit-chain.js';
import { useSession } from '../session-context.js';

const MAX_PAGES = 50;

interface Verdict {
  links: LinkCheck;
  checkpoints: CheckpointCheck;
  checkpointCount: number;
  complete: boolean;
}

async function verifyTrail(client: StrongroomClient): Promise<Verdict> {
  const first = await call(client.GET('/v1/audit/checkpoints', { params: { query: { limit: 1000 } } }));
  const checkpoints = [...first.checkpoints];
  let after = first.next_cursor;
  for (let page = 0; after !== null && page < MAX_PAGES; page++) {
    const next = await call(
      client.GET('/v1/audit/checkpoints', { params: { query: { after, limit: 1000 } } }),
    );
    checkpoints.push(...next.checkpoints);
    after = next.next_cursor;
  }
  const events: LinkedEvent[] = [];
  let cursor: string | undefined;
  let complete = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = cursor === undefined ? { limit: 500 } : { limit: 500, cursor };
    const answer = await call(client.GET('/v1/audit/events', { params: { query } }));
    events.push(...answer.events.map(({ seq, prev_hash, hash }) => ({ seq, prev_hash, hash })));
    if (answer.next_cursor === null) {
      complete = true;
      break;
    }
    cursor = answer.next_cursor;
  }
  return {
    links: checkLinks(events, first.anchor),
    checkpoints: await checkCheckpoints(checkpoints, first.keys, events),
    checkpointCount: checkpoints.length,
    complete,
  };
}

export function ChainStatus() {
  const { client } = useSession();
  const action = useAction();
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  return (
    <section aria-labelledby="chain-status">
      <h2 id="chain-status">Chain verification</h2>
      <p class="small">
        Checks here that every event links to the one before it and that the signed checkpoints verify and
        match. The full check, which also recomputes each event's hash, is{' '}
        <code>strongroom audit verify</code> on the host.
      </p>
      <button
        type="button"
        disabled={action.busy}
        onClick={() => action.run(async () => setVerdict(await verifyTrail(client)))}
      >
        Verify chain
      </button>
      <div role="status">
        {action.busy ? 'Verifying…' : verdict === null ? '' : <VerdictText verdict={verdict} />}
      </div>
      <ErrorNote error={action.error} />
    </section>
  );
}

function VerdictText(props: { verdict: Verdict }) {
  const { links, checkpoints, checkpointCount, complete } = props.verdict;
  const intact = links.ok && checkpoints.badSignatures.length === 0 && checkpoints.mismatched.length === 0;
  return (
    <div class={intact ? 'note' : 'note error'}>
      <p class={intact ? 'yes' : 'no'}>{intact ? 'Chain intact' : 'Chain broken'}</p>
      <p>
        {links.ok
          ? `Events ${links.first ?? '–'} to ${links.last ?? '–'} (${links.count}) link up from the anchor${complete ? '' : ' (the first ones only: the trail is longer)'}.`
          : `${links.problem === 'gap' ? 'Event missing' : 'Broken link'} at seq ${links.seq}.`}
      </p>
      <p>
        {checkpoints.verified} of {checkpointCount} signed checkpoints verify; {checkpoints.matched} match
        their event.
        {checkpoints.badSignatures.length > 0 &&
          ` Bad signature at seq ${checkpoints.badSignatures.join(', ')}.`}
        {checkpoints.mismatched.length > 0 &&
          ` Hash differs from the event at seq ${checkpoints.mismatched.join(', ')}.`}
      </p>
    </div>
  );
}
