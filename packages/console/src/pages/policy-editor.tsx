/**
 * Applying a new policy: the text (YAML or JSON) is parsed here first, so a syntax error is shown at its line
 * before anything is sent; then PUT /v1/policies with `If-Match` on the version it was edited from. A refusal
 * that names a field (VALIDATION_FAILED, POLICY_LOCKOUT…) is shown at the line of that field.
 */
import { useId, useRef, useState } from 'preact/hooks';
import { call, StrongroomError } from '../api.js';
import { CodeView } from '../components/code-view.js';
import { ErrorNote } from '../components/common.js';
import { useAction } from '../components/use-load.js';
import { indexText, lineOfServerError, type TextProblem } from '../lib/policy-error-line.js';
import { useSession } from '../session-context.js';

/** The offset of the start of 1-based `line` in `text`. */
function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return offset;
}

export function PolicyEditor(props: {
  initial: string;
  baseVersion: number;
  onApplied(version: number): void;
}) {
  const { client } = useSession();
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(props.initial);
  const [problems, setProblems] = useState<TextProblem[]>([]);
  const [applied, setApplied] = useState<number | null>(null);
  const action = useAction();

  const goToLine = (line: number) => {
    const element = area.current;
    if (element === null) return;
    const start = offsetOfLine(text, line);
    const end = text.indexOf('\n', start);
    element.focus();
    element.setSelectionRange(start, end === -1 ? text.length : end);
  };

  const apply = (event: Event) => {
    event.preventDefault();
    setApplied(null);
    const index = indexText(text);
    const parseError = index.parseError();
    if (parseError !== null) {
      setProblems([parseError]);
      return;
    }
    const document = index.value();
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      setProblems([{ line: 1, message: 'The policy must be a mapping: version, purposes and roles' }]);
      return;
    }
    setProblems([]);
    void action.run(async () => {
      try {
        const stored = await call(
          client.PUT('/v1/policies', {
            params: { header: { 'if-match': `"${props.baseVersion}"` } },
            body: document as Record<string, never>,
          }),
        );
        setApplied(stored.version);
        props.onApplied(stored.version);
      } catch (error) {
        if (error instanceof StrongroomError && error.field !== undefined) {
          setProblems([{ line: lineOfServerError(text, error), message: error.message }]);
          return;
        }
        throw error;
      }
    });
  };

  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Apply a new policy</h2>
      <form onSubmit={apply}>
        <div class="field">
          <label for={id}>Policy document (YAML or JSON)</label>
          <textarea
            id={id}
            ref={area}
            class="editor"
            spellcheck={false}
            value={text}
            aria-invalid={problems.length > 0}
            aria-describedby={problems.length > 0 ? `${id}-problems` : undefined}
            onInput={(event) => setText(event.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Apply policy
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setText(props.initial);
              setProblems([]);
            }}
          >
            Reset editor
          </button>
          <span role="status">{applied === null ? '' : `Applied as version ${applied}`}</span>
        </div>
      </form>
      {problems.length > 0 && (
        <>
          <div class="note error" role="alert" id={`${id}-problems`}>
            <p>The policy was not applied.</p>
            <ol class="problems">
              {problems.map((problem) => (
                <li key={problem.line}>
                  Line {problem.line}: {problem.message}{' '}
                  <button type="button" class="secondary" onClick={() => goToLine(problem.line)}>
                    Go to line {problem.line}
                  </button>
                </li>
              ))}
            </ol>
          </div>
          <CodeView
            text={text}
            label="Policy text with the error marked"
            errorLines={new Set(problems.map((p) => p.line))}
          />
        </>
      )}
      <ErrorNote error={action.error} />
    </section>
  );
}
