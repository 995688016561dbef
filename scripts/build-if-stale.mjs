#!/usr/bin/env node
/**
 * Builds once, not on every start: `npm start` (prestart) and `npm ci` (prepare) run this, and it runs
 * `npm run build` only when the build is missing or older than a source file. `npm run build` marks its own start
 * (prebuild: `--mark-start`) and success (postbuild: `--mark-done`), so any build (npm test, generate:client) counts.
 * The stamp's mtime is the time the build began: a file saved while a build ran is newer, so the next start builds
 * again. Costs a walk over the source tree's mtimes (a few milliseconds), not a compile.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STARTED = path.join(root, 'dist', '.build-started');
const STAMP = path.join(root, 'dist', '.build-stamp');
const OUTPUTS = [
  'dist/src/cli/main.js',
  'packages/client/dist/index.js',
  'packages/redact/dist/index.js',
  // The web console (Vite): the server serves what this build wrote.
  'packages/console/dist/index.html',
];
const SOURCE_DIRS = ['src', 'bench', 'packages', 'examples'];
// The console's sources include TSX, its stylesheet and its HTML page.
const SOURCE_FILE = /\.(ts|tsx|mts|js|mjs|json|css|html)$/;
const SKIP_DIR = new Set(['node_modules', 'dist', 'test', '.git']);
const TOP_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIR.has(entry.name)) newest = Math.max(newest, newestMtime(full));
    } else if (SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** Why a build is needed, or null when the last one is complete and newer than every source file. */
export function staleReason() {
  if (!fs.existsSync(STAMP)) return 'no complete build yet';
  for (const output of OUTPUTS) if (!fs.existsSync(path.join(root, output))) return `${output} is missing`;
  const built = fs.statSync(STAMP).mtimeMs;
  const sources = Math.max(
    ...SOURCE_DIRS.map((dir) => newestMtime(path.join(root, dir))),
    ...TOP_FILES.map((file) => (fs.existsSync(path.join(root, file)) ? fs.statSync(path.join(root, file)).mtimeMs : 0)),
  );
  return sources > built ? 'sources changed since the last build' : null;
}

const mode = process.argv[2] ?? '--check';
if (mode === '--mark-start') {
  fs.mkdirSync(path.dirname(STARTED), { recursive: true });
  fs.rmSync(STAMP, { force: true });
  fs.writeFileSync(STARTED, `${new Date().toISOString()}\n`);
} else if (mode === '--mark-done') {
  if (fs.existsSync(STARTED)) fs.renameSync(STARTED, STAMP);
} else {
  const reason = staleReason();
  if (reason !== null) {
    process.stderr.write(`Building Strongroom (${reason}); later starts skip this step.\n`);
    const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
