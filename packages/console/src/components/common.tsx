/** Small building blocks every page uses: labelled fields, error notes, page headings, a secret shown once. */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { describeError, StrongroomError } from '../api.js';

/** The page's one h1; focused when the page opens, so a screen reader announces where the user is. */
export function PageHeading(props: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {props.children}
    </h1>
  );
}

/** An error from the server: its message and, when given, the field it names and the request id. */
export function ErrorNote(props: { error: unknown }) {
  if (props.error === null || props.error === undefined) return null;
  const error = props.error;
  return (
    <div class="note error" role="alert">
      <p>{describeError(error)}</p>
      {error instanceof StrongroomError && (
        <p class="small">
          Code <code>{error.code}</code>
          {error.field !== undefined && (
            <>
              {' '}
              · field <code>{error.field}</code>
            </>
          )}
          {error.requestId !== undefined && (
            <>
              {' '}
              · request <code>{error.requestId}</code>
            </>
          )}
        </p>
      )}
    </div>
  );
}

interface TextFieldProps {
  label: string;
  value: string;
  onInput(value: string): void;
  type?: 'text' | 'password' | 'datetime-local' | 'number';
  required?: boolean;
  autoComplete?: string;
  hint?: string;
  placeholder?: string;
}

/** A text input with its own <label for>. */
export function TextField(props: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        // Preact's types narrow attributes by input type; every type used here takes these.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        required={props.required}
        autoComplete={props.autoComplete ?? 'off'}
        placeholder={props.placeholder}
        spellcheck={false}
        aria-describedby={props.hint === undefined ? undefined : hintId}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      {props.hint !== undefined && (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** A <select> with its own <label for>. */
export function SelectField(props: {
  label: string;
  value: string;
  options: readonly (string | { value: string; label: string })[];
  onChange(value: string): void;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
        {props.options.map((option) =>
          typeof option === 'string' ? (
            <option key={option} value={option}>
              {option === '' ? 'Any' : option}
            </option>
          ) : (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ),
        )}
      </select>
    </div>
  );
}

/** A checkbox with its label beside it. */
export function CheckField(props: { label: string; checked: boolean; onChange(checked: boolean): void }) {
  const id = useId();
  return (
    <div class="check">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
      />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/**
 * A secret the server shows once (a new API key, a one-time password): shown here with a copy button until the
 * user says they have it, then forgotten by the page. It is never shown again: the server does not keep it.
 */
export function SecretOnce(props: { label: string; value: string; onDone(): void }) {
  const id = useId();
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section class="note secret" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{props.label}</h2>
      <p>Shown once: copy it now. Strongroom keeps only a hash and cannot show it again.</p>
      <div class="field">
        <label for={id}>{props.label}</label>
        <input id={id} class="mono" readOnly value={props.value} spellcheck={false} />
      </div>
      <div class="actions">
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" class="secondary" onClick={props.onDone}>
          Done
        </button>
        <span role="status">
          {copied === 'yes'
            ? 'Copied to the clipboard'
            : copied === 'failed'
              ? 'Copy failed: select and copy it'
              : ''}
        </span>
      </div>
    </section>
  );
}

/** "Loading…" while `loading`, announced politely. */
export function Loading(props: { loading: boolean }) {
  return props.loading ? (
    <p role="status" class="small">
      Loading…
    </p>
  ) : null;
}

/** A date-time the server sent, in the viewer's locale and zone, with the exact value as its machine form. */
export function Time(props: { value: string | null | undefined }) {
  if (props.value === null || props.value === undefined) return <span>—</span>;
  return <time dateTime={props.value}>{new Date(props.value).toLocaleString()}</time>;
}
