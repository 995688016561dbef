#!/usr/bin/env node
/**
 * Makes sure Debian's Chromium is at /usr/bin/chromium for the console's browser tests (test/console).
 * Installed already: returns at once. Missing: `apt-get update && apt-get install -y chromium` (Debian's package
 * only, never a browser build downloaded by a tool), which needs root, as CI (`.ci/run`) runs. Anything that
 * keeps it from being there afterwards is an error: the browser tests fail rather than skip.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error !== undefined) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/** Installs Debian's chromium package unless /usr/bin/chromium is there; throws if it still is not. */
export function ensureChromium() {
  if (isExecutable(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/apt-get')) {
    throw new Error(`${CHROMIUM_PATH} is missing and this is not a Debian system: install Debian's chromium`);
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${CHROMIUM_PATH} is missing: run \`apt-get install -y chromium\` as root (CI runs as root)`);
  }
  process.stderr.write(`${CHROMIUM_PATH} is missing: installing Debian's chromium package\n`);
  // Another test file may be installing at the same moment: wait for dpkg's lock rather than fail on it.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  run('apt-get', [...lock, 'update']);
  run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', 'chromium']);
  if (!isExecutable(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.stdout.write(`${ensureChromium()}\n`);
  } catch (error) {
    process.stderr.write(`ensure-chromium: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
