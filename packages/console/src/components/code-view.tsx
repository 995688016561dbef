/** Highlighted policy text with line numbers; lines with a problem are marked (and say so to screen readers). */
import { highlight } from '../lib/highlight.js';

export function CodeView(props: { text: string; label: string; errorLines?: ReadonlySet<number> }) {
  const lines = highlight(props.text.replace(/\n$/, ''));
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must take focus to be scrolled by keyboard.
    <section aria-label={props.label} tabIndex={0} class="code-wrap">
      <pre class="code">
        {lines.map((tokens, index) => {
          const number = index + 1;
          const isError = props.errorLines?.has(number) === true;
          return (
            <div key={number} class={isError ? 'line error-line' : 'line'} data-line={number}>
              <span class="ln" aria-hidden="true">
                {number}
              </span>
              <span class="text">
                {isError && <span class="visually-hidden">Error on line {number}: </span>}
                {tokens.map((token, i) =>
                  token.kind === 'plain' ? (
                    token.text
                  ) : (
                    <span key={i} class={`tok-${token.kind}`}>
                      {token.text}
                    </span>
                  ),
                )}
              </span>
            </div>
          );
        })}
      </pre>
    </section>
  );
}

/** Removed and added lines between two texts, numbered on each side. */
export function DiffView(props: {
  rows: { kind: 'same' | 'add' | 'del'; text: string; oldLine?: number; newLine?: number }[];
  label: string;
}) {
  const sign = { same: ' ', add: '+', del: '-' } as const;
  const said = { same: '', add: 'added: ', del: 'removed: ' } as const;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must take focus to be scrolled by keyboard.
    <section aria-label={props.label} tabIndex={0} class="code-wrap">
      <pre class="code">
        {props.rows.map((row, index) => (
          <div key={index} class={`line ${row.kind}`}>
            <span class="ln" aria-hidden="true">
              {row.oldLine ?? ''}
            </span>
            <span class="ln" aria-hidden="true">
              {row.newLine ?? ''}
            </span>
            <span class="text">
              <span class="visually-hidden">{said[row.kind]}</span>
              <span aria-hidden="true">{sign[row.kind]} </span>
              {row.text}
            </span>
          </div>
        ))}
      </pre>
    </section>
  );
}
