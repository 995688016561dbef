/**
 * Reads one secret line (a key share) from standard input: typed without echo on a terminal, or the first line of a
 * pipe. Never from the command line, where `ps` and shell history would show it.
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

function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
    let done = false;
    lines.on('line', (line) => {
      if (done || line.trim() === '') return;
      done = true;
      lines.close();
      resolve(line.slice(0, MAX_LENGTH));
    });
    lines.on('close', () => {
      if (!done) reject(new Error('no share given on standard input'));
    });
  });
}

/** One line from stdin, hidden when stdin is a terminal; `prompt` goes to `output` (stderr) on a terminal only. */
export async function readSecretLine(
  prompt: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  const line = input.isTTY ? await readHidden(input, output, prompt) : await readFirstLine(input);
  const value = line.trim();
  if (value === '') throw new Error('no share given');
  return value;
}
