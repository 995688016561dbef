/**
 * Reads secrets (a key share, a password) and answers from standard input: typed without echo on a terminal, or
 * successive lines of a pipe. Never from the command line, where `ps` and shell history would show it.
 */
import readline from 'node:readline';

const MAX_LENGTH = 4096;

function readHidden(
  input: NodeJS.ReadStream,
  output: NodeJS.WritableStream,
  prompt: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    output.write(prompt);
    const finish = (error: Error | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error === null) resolve(value);
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(null);
        if (char === '\u0003') return finish(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else if (char >= ' ' && value.length < MAX_LENGTH) value += char;
      }
    };
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}

function readVisible(
  input: NodeJS.ReadStream,
  output: NodeJS.WritableStream,
  prompt: string,
): Promise<string> {
  const lines = readline.createInterface({ input, output, terminal: true });
  return new Promise((resolve) => {
    lines.question(prompt, (answer) => {
      lines.close();
      resolve(answer);
    });
  });
}

export interface Prompter {
  /** One answer, echoed on a terminal; the next line of a pipe. Null at the end of the input. */
  line(prompt: string): Promise<string | null>;
  /** One secret, hidden on a terminal; the next line of a pipe. Null at the end of the input. */
  secret(prompt: string): Promise<string | null>;
  readonly isTTY: boolean;
}

/** A prompter over `input`: prompts go to `output` (stderr) on a terminal only; a pipe is read line by line. */
export function createPrompter(
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Prompter & { close(): void } {
  let lines: readline.Interface | null = null;
  let piped: AsyncIterator<string> | null = null;
  const next = async (): Promise<string | null> => {
    lines ??= readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
    piped ??= lines[Symbol.asyncIterator]();
    const { value, done } = await piped.next();
    return done === true ? null : String(value).slice(0, MAX_LENGTH);
  };
  const isTTY = input.isTTY === true;
  return {
    isTTY,
    line: (prompt) => (isTTY ? readVisible(input, output, prompt) : next()),
    secret: (prompt) => (isTTY ? readHidden(input, output, prompt) : next()),
    close: () => lines?.close(),
  };
}

let shared: ReturnType<typeof createPrompter> | null = null;

/** The process's one prompter over stdin (a pipe must be read by one reader, or lines get lost). */
export function stdinPrompter(): Prompter {
  shared ??= createPrompter();
  return shared;
}

/** Stops reading stdin, so a pipe left open does not keep the process alive once the command is done. */
export function closeStdinPrompter(): void {
  shared?.close();
  shared = null;
}

/** The first non-blank line from stdin, hidden when stdin is a terminal; throws when there is none. */
export async function readSecretLine(prompt: string, prompter: Prompter = stdinPrompter()): Promise<string> {
  for (;;) {
    const line = await prompter.secret(prompt);
    if (line === null) throw new Error('no share given on standard input');
    const value = line.trim();
    if (value !== '') return value;
    if (prompter.isTTY) throw new Error('no share given');
  }
}
