/**
 * `strongroom check logs FILE...`: scans files (or standard input, `-`) one after the other and reports what it
 * found; with `redact`, writes a redacted copy of each (one input: to that file; several: into that directory,
 * under each input's name). A copy ending in `.gz` is gzipped. Copies are created mode 0600: what they still
 * hold is a log, and logs are not for everyone.
 */
import { once } from 'node:events';
import { createWriteStream, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { CheckInputError } from '../check-error.js';
import { createFindingCollector, DEFAULT_FINDING_LIMIT } from '../collector.js';
import type { CheckReport } from '../finding.js';
import type { SegmentOptions } from './line-segments.js';
import { decodeLog, openLog } from './log-input.js';
import { LOG_RULE_LIST } from './log-rules.js';
import { createRedactedWriter } from './redacted-writer.js';
import { scanLog } from './scan-log.js';

export interface CheckLogsOptions {
  /** Paths, `-` for standard input; none means standard input. */
  readonly files: readonly string[];
  readonly stdin: Readable;
  readonly redact?: string;
  readonly findingLimit?: number;
  readonly segments?: SegmentOptions;
}

const realOrResolved = (file: string): string => {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
};

function redactTargets(files: readonly string[], out: string): string[] {
  let targets: string[];
  if (files.length === 1) targets = [out];
  else {
    if (!statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CheckInputError('--redact must name an existing directory when several logs are given');
    }
    targets = files.map((file) => path.join(out, file === '-' ? 'stdin.log' : path.basename(file)));
    if (new Set(targets).size !== targets.length) {
      throw new CheckInputError('--redact: two logs have the same file name');
    }
  }
  const inputs = new Set(files.filter((f) => f !== '-').map(realOrResolved));
  for (const target of targets) {
    if (inputs.has(realOrResolved(target)))
      throw new CheckInputError('--redact must not overwrite a log it reads');
  }
  return targets;
}

function openCopy(target: string): { sink: Writable; stream: Writable } {
  const stream = createWriteStream(target, { mode: 0o600 });
  if (!target.endsWith('.gz')) return { sink: stream, stream };
  const gzip = createGzip();
  gzip.pipe(stream);
  gzip.on('error', (error) => stream.destroy(error));
  return { sink: gzip, stream };
}

async function closeCopy({ sink, stream }: { sink: Writable; stream: Writable }): Promise<void> {
  sink.end();
  await once(stream, 'close');
}

/** Scans every log and returns the report. Unreadable inputs throw `CheckInputError` naming the file. */
export async function checkLogs(options: CheckLogsOptions): Promise<CheckReport> {
  const files = options.files.length === 0 ? ['-'] : options.files;
  const collector = createFindingCollector(
    'logs',
    LOG_RULE_LIST,
    options.findingLimit ?? DEFAULT_FINDING_LIMIT,
  );
  const targets = options.redact === undefined ? [] : redactTargets(files, options.redact);
  const scanned = { files: 0, lines: 0, bytes: 0 };
  for (const [index, file] of files.entries()) {
    const name = file === '-' ? '<stdin>' : file;
    const target = targets[index];
    const copy = target === undefined ? undefined : openCopy(target);
    try {
      const writer =
        copy === undefined
          ? undefined
          : createRedactedWriter({
              write: async (text) => {
                if (!copy.sink.write(Buffer.from(text, 'latin1'))) await once(copy.sink, 'drain');
              },
            });
      const stats = await scanLog(decodeLog(openLog(file, options.stdin)), {
        file: name,
        onFinding: collector.add,
        ...(writer === undefined ? {} : { writer }),
        ...(options.segments === undefined ? {} : { segments: options.segments }),
      });
      scanned.files++;
      scanned.lines += stats.lines;
      scanned.bytes += stats.chars;
    } catch (error) {
      copy?.stream.destroy();
      if (error instanceof CheckInputError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new CheckInputError(`cannot read log ${name}${code === undefined ? '' : ` (${code})`}`);
    }
    if (copy !== undefined) await closeCopy(copy);
  }
  return collector.report(scanned);
}
