/**
 * The console's files (packages/console/dist, built by Vite), read once at start into a closed table from URL
 * path to bytes. A request is answered from that table by exact lookup and never touches the file system, so no
 * path can reach a file outside it: `..`, `%2e%2e`, `%2f`, a symlink or a file added after start all miss.
 * Only the types listed below are taken; anything else in the directory is left out.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  /** Vite names what it emits under assets/ after its content hash: such a file never changes under its name. */
  immutable: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const MAX_FILES = 200;

/** Where the built console is: `dist/` of the @strongroom/console workspace package. */
export function consoleDistDir(): string {
  const manifest = createRequire(import.meta.url).resolve('@strongroom/console/package.json');
  return path.join(path.dirname(manifest), 'dist');
}

/**
 * Every servable file under `dir`, keyed by its path relative to it with `/` separators (`index.html`,
 * `assets/index-B4Sj.js`). Symlinks are not followed. An empty map when the console has not been built.
 */
export function readConsoleFiles(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  if (!fs.existsSync(path.join(dir, 'index.html'))) return files;
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(name);
      else if (entry.isFile()) {
        const contentType = CONTENT_TYPES[path.extname(entry.name)];
        if (contentType === undefined) continue;
        if (files.size >= MAX_FILES) throw new Error(`the console build holds more than ${MAX_FILES} files`);
        files.set(name, {
          body: fs.readFileSync(path.join(dir, name)),
          contentType,
          immutable: name.startsWith('assets/'),
        });
      }
    }
  };
  walk('');
  return files;
}
