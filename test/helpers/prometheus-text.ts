/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats):
 * every line is a `# HELP`, a `# TYPE` or a sample; metric and label names match the documented grammar; label
 * values are quoted with only `\\`, `\"` and `\n` escapes; values are floats, NaN or ±Inf (any case, as Go parses them); a family's TYPE
 * comes before its samples, once; histogram samples are `_bucket` (with `le`), `_sum` and `_count` of a declared
 * histogram. Throws on the first violation with its line number. Written for the tests: prom-client ships no
 * parser, and the npm parsers accept more than Prometheus does.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// Prometheus reads values with Go's strconv.ParseFloat: NaN and Inf in any case (prom-client writes `Nan`).
const VALUE = /^([nN][aA][nN]|[+-]?[iI][nN][fF]|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseLabels(text: string, fail: (why: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) fail('label without =');
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) fail(`bad label name ${JSON.stringify(name)}`);
    if (name in labels) fail(`label ${name} twice`);
    if (text[eq + 1] !== '"') fail('label value not quoted');
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === '\\' || next === '"') value += next;
        else if (next === 'n') value += '\n';
        else fail('bad escape in label value');
      } else value += text[j];
    }
    if (text[j] !== '"') fail('unterminated label value');
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i < text.length) fail('labels not separated by ,');
  }
  return labels;
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const type = types.get(base);
      if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
    }
  }
  return undefined;
}

/** Every sample of `text`; throws on anything Prometheus would not accept. */
export function parseExposition(text: string): Sample[] {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const seen = new Set<string>();
  const samples: Sample[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('exposition must end with a newline');
  for (const [index, line] of lines.entries()) {
    const fail: (why: string) => never = (why) => {
      throw new Error(`line ${index + 1}: ${why}: ${line.slice(0, 120)}`);
    };
    if (line === '') continue;
    if (line.startsWith('#')) {
      const help = /^# HELP ([^ ]+) (.*)$/.exec(line);
      const type = /^# TYPE ([^ ]+) ([a-z]+)$/.exec(line);
      const name = help?.[1] ?? type?.[1];
      if (name === undefined) fail('comment is neither HELP nor TYPE');
      if (!METRIC_NAME.test(name)) fail('bad metric name');
      if (help !== null) {
        if (helps.has(name)) fail('HELP twice');
        helps.add(name);
        continue;
      }
      if (types.has(name)) fail('TYPE twice');
      if (seen.has(name)) fail('TYPE after samples');
      if (!TYPES.has(type?.[2] ?? '')) fail('unknown type');
      types.set(name, type?.[2] ?? '');
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+)(?: (-?\d+))?$/.exec(line);
    if (match === null) fail('not a sample');
    const [, name = '', labelText = '', value = ''] = match;
    if (!VALUE.test(value)) fail('bad value');
    const family = familyOf(name, types);
    if (family === undefined) fail('sample of an undeclared family');
    seen.add(family);
    const labels = parseLabels(labelText, fail);
    if (name.endsWith('_bucket') && types.get(family) === 'histogram' && labels.le === undefined)
      fail('bucket without le');
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}
