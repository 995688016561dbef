/**
 * The posture's findings, as `strongroom check deployment` reports them (same rules, same code): a count per
 * severity, then each finding (severity, id, title, what was found, why it matters, how to fix it), highest first,
 * and the raw posture in a <details>. Only what the posture shows is judged here.
 */
import { type Json, JsonView } from '../components/json-view.js';
import {
  isPosture,
  judgePosture,
  type PostureFinding,
  type PostureJudgement,
  SEVERITIES_HIGH_FIRST,
} from '../lib/posture-judgement.js';

function judge(posture: Record<string, Json>): PostureJudgement | null {
  if (!isPosture(posture)) return null;
  try {
    return judgePosture(posture);
  } catch {
    // A posture of the right format but another shape (a newer or broken server): show it unjudged.
    return null;
  }
}

export function FindingsView(props: { posture: Record<string, Json> }) {
  const judgement = judge(props.posture);
  return (
    <section aria-labelledby="posture-findings">
      <h2 id="posture-findings">Deployment posture</h2>
      <p class="small">
        The findings <code>strongroom check deployment</code> makes of <code>GET /v1/sys/posture</code>, by
        the same rules; the TLS and header probes, the data directory's files and the audit chain walk need{' '}
        <code>strongroom check deployment</code> itself.
      </p>
      {judgement === null ? (
        <p class="note error">
          This posture is not in the format these rules read; it is shown unjudged below.
        </p>
      ) : (
        <>
          <ul class="plain severity-totals" aria-label="Findings per severity">
            {SEVERITIES_HIGH_FIRST.map((severity) => (
              <li key={severity}>
                <span class={`badge severity-${severity}`}>{severity}</span> {judgement.totals[severity]}
              </li>
            ))}
          </ul>
          {judgement.findings.length === 0 ? (
            <p class="note">No findings.</p>
          ) : (
            <ol class="findings" aria-label="Findings, highest severity first">
              {judgement.findings.map((finding, index) => (
                <FindingItem key={`${finding.rule.id} ${finding.pointer} ${index}`} finding={finding} />
              ))}
            </ol>
          )}
        </>
      )}
      <details>
        <summary>Raw posture</summary>
        <JsonView value={props.posture} />
      </details>
    </section>
  );
}

function FindingItem(props: { finding: PostureFinding }) {
  const { rule, message, pointer } = props.finding;
  return (
    <li class="finding" data-rule={rule.id}>
      <h3>
        <span class={`badge severity-${rule.severity}`}>{rule.severity}</span> {rule.title}
      </h3>
      <dl class="tree">
        <div>
          <dt>Id</dt>
          <dd>
            <code>{rule.id}</code>
          </dd>
        </div>
        <div>
          <dt>Found</dt>
          <dd>
            {message}
            {pointer !== '' && (
              <>
                {' '}
                (<code>{pointer}</code>)
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Why it matters</dt>
          <dd>{rule.why}</dd>
        </div>
        <div>
          <dt>How to fix</dt>
          <dd>{rule.help}</dd>
        </div>
      </dl>
    </li>
  );
}
