/**
 * A small tokenizer for the policy document as YAML or JSON, for syntax highlighting: each line becomes a list
 * of tokens whose texts, joined, are exactly the line (nothing is dropped or added), so the page renders them as
 * text in spans and never as markup. Keys are the scalars a `:` follows (then a space or the line's end).
 */

export type TokenKind = 'key' | 'string' | 'number' | 'literal' | 'comment' | 'punct' | 'plain';

export interface Token {
  kind: TokenKind;
  text: string;
}

const PATTERN = new RegExp(
  [
    '(?<space>\\s+)',
    '(?<comment>#.*$)',
    '(?<dq>"(?:[^"\\\\]|\\\\.)*"?)',
    "(?<sq>'(?:[^']|'')*'?)",
    '(?<number>-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?(?![^\\s,\\]}:#]))',
    '(?<literal>(?:true|false|null|~)(?![^\\s,\\]}:#]))',
    '(?<punct>[{}\\[\\],]|:(?=\\s|$)|-(?=\\s|$))',
    // A plain scalar: anything up to a structural character (a ':' inside it, as in `a:b`, stays in it).
    '(?<word>(?:[^\\s{}\\[\\],:#"\']|:(?!\\s|$))(?:[^\\s{}\\[\\],:]|:(?!\\s|$)|[ \\t]+(?![\\s#]))*)',
    '(?<other>[\\s\\S])',
  ].join('|'),
  'y',
);

function kindOf(groups: Record<string, string | undefined>): TokenKind {
  if (groups.space !== undefined || groups.other !== undefined) return 'plain';
  if (groups.comment !== undefined) return 'comment';
  if (groups.dq !== undefined || groups.sq !== undefined || groups.word !== undefined) return 'string';
  if (groups.number !== undefined) return 'number';
  if (groups.literal !== undefined) return 'literal';
  return 'punct';
}

/** The tokens of one line. */
export function tokenizeLine(line: string): Token[] {
  const tokens: Token[] = [];
  PATTERN.lastIndex = 0;
  while (PATTERN.lastIndex < line.length) {
    const match = PATTERN.exec(line);
    if (match === null) break;
    tokens.push({ kind: kindOf(match.groups ?? {}), text: match[0] });
  }
  // A scalar followed (spaces aside) by a ':' token is a key.
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined || !['string', 'number', 'literal'].includes(token.kind)) continue;
    let next = i + 1;
    while (tokens[next]?.kind === 'plain' && tokens[next]?.text.trim() === '') next++;
    const after = tokens[next];
    if (after?.kind === 'punct' && after.text === ':') token.kind = 'key';
  }
  return tokens;
}

/** The tokens of every line of `text` (split on \n; a \r stays in its line's last token). */
export function highlight(text: string): Token[][] {
  return text.split('\n').map(tokenizeLine);
}
