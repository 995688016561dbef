/**
 * Line numbers for JSON pointers, so findings point into the file: jsonc-parser's tree for JSON (fast, offsets),
 * the yaml package's document for YAML. Built once per spec, on the first lookup; a YAML document over
 * `MAX_YAML_LINE_BYTES` gets pointers only (the yaml document model costs ~1 s per MB).
 */
import { findNodeAtLocation, type Node, parseTree } from 'jsonc-parser';
import { isMap, isScalar, isSeq, LineCounter, type ParsedNode, parseDocument } from 'yaml';

const MAX_YAML_LINE_BYTES = 4 * 1024 * 1024;

export type LineOf = (pointer: string) => number | undefined;

const tokensOf = (pointer: string): string[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

function jsonLines(text: string): LineOf {
  let tree: Node | undefined;
  let starts: number[] | undefined;
  return (pointer) => {
    tree ??= parseTree(text);
    starts ??= lineStarts(text);
    if (tree === undefined) return undefined;
    let node: Node | undefined = tree;
    // jsonc-parser indexes arrays by number and objects by key: which one depends on the node reached so far.
    for (const token of tokensOf(pointer)) {
      if (node === undefined) break;
      node = findNodeAtLocation(node, [node.type === 'array' ? Number(token) : token]);
    }
    if (node === undefined) return undefined;
    return lineAt(starts, node.parent?.type === 'property' ? node.parent.offset : node.offset);
  };
}

function yamlLines(text: string): LineOf {
  if (text.length > MAX_YAML_LINE_BYTES) return () => undefined;
  let doc: ReturnType<typeof parseDocument> | undefined;
  const counter = new LineCounter();
  return (pointer) => {
    doc ??= parseDocument(text, { lineCounter: counter });
    let node: ParsedNode | null | undefined = doc.contents as ParsedNode | null;
    let keyOffset: number | undefined;
    for (const token of tokensOf(pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === token);
        keyOffset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
        node = pair?.value as ParsedNode | null | undefined;
      } else if (isSeq(node)) {
        node = node.items[Number(token)] as ParsedNode | undefined;
        keyOffset = undefined;
      } else return undefined;
    }
    const offset = keyOffset ?? node?.range?.[0];
    return offset === undefined ? undefined : counter.linePos(offset).line;
  };
}

export function createLineLookup(text: string, format: 'json' | 'yaml'): LineOf {
  return format === 'json' ? jsonLines(text) : yamlLines(text);
}
