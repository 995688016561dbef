/**
 * Every leaf command's `--help` (the built binary) lists only its own flags: none of the server's listening,
 * TLS, mode and logging flags appears outside `serve` (and `init`, which makes the certificate), so e.g.
 * `audit verify --help` no longer offers `--port`. The commands are found by walking the help output itself, so a
 * new command is covered without being named here.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './cli-harness.js';

function help(path: string[]): string {
  const result = spawnSync('node', [CLI, ...path, '--help'], { encoding: 'utf8', timeout: 60_000 });
  expect(result.status, `${path.join(' ')} --help: ${result.stderr}`).toBe(0);
  return result.stdout;
}

function section(text: string, title: string): string[] {
  const start = text.indexOf(`${title}:\n`);
  if (start < 0) return [];
  const lines: string[] = [];
  for (const line of text.slice(start + title.length + 2).split('\n')) {
    if (line.trim() === '' || !line.startsWith(' ')) break;
    lines.push(line);
  }
  return lines;
}

/** The long flags a help text lists under Options. */
function flagsOf(text: string): string[] {
  return section(text, 'Options').flatMap((line) => {
    const match = /^ {2}(?:-\w, )?(--[a-z][a-z-]*)/.exec(line);
    return match?.[1] === undefined ? [] : [match[1]];
  });
}

function subcommandsOf(text: string): string[] {
  return section(text, 'Commands').flatMap((line) => {
    const match = /^ {2}([a-z][a-z-]*)/.exec(line);
    return match?.[1] === undefined || match[1] === 'help' ? [] : [match[1]];
  });
}

function leaves(path: string[] = []): Array<{ path: string[]; text: string }> {
  const text = help(path);
  const children = subcommandsOf(text);
  if (children.length === 0) return [{ path, text }];
  return children.flatMap((child) => leaves([...path, child]));
}

// Flags of the same name that are these commands' own: `operator unseal --port` (the port of its default
// URL), `check url|deployment --http-port` (the plain port they probe); `init` makes the certificate, so it takes
// the TLS pair.
const OWN: Record<string, readonly string[]> = {
  init: ['--tls-cert', '--tls-key'],
  'operator unseal': ['--port'],
  'check url': ['--http-port'],
  'check deployment': ['--http-port'],
};

describe('help text per command', () => {
  it('lists no server-only flag outside serve', () => {
    const serverOnly = flagsOf(help(['serve'])).filter(
      (flag) => !['--data-dir', '--keyring', '--keyring-file', '--help'].includes(flag),
    );
    expect(serverOnly).toEqual(
      expect.arrayContaining(['--port', '--host', '--trust-proxy', '--mode', '--tls-cert']),
    );
    const all = leaves();
    expect(all.length).toBeGreaterThan(40);
    const leaks = all.flatMap(({ path, text }) => {
      const name = path.join(' ');
      if (name === 'serve') return [];
      const allowed = OWN[name] ?? [];
      const leaked = flagsOf(text).filter((flag) => serverOnly.includes(flag) && !allowed.includes(flag));
      return leaked.length === 0 ? [] : [{ command: name, leaked }];
    });
    expect(leaks).toEqual([]);
    // The walk reached the commands the issue named.
    expect(all.map((leaf) => leaf.path.join(' '))).toEqual(
      expect.arrayContaining(['audit verify', 'backup restore', 'operator unseal', 'users create']),
    );
  }, 300_000);

  it('says where the session is kept and how a new user’s password is given', () => {
    const login = help(['login']);
    expect(login).toContain('$XDG_CONFIG_HOME/strongroom');
    expect(login).toContain('~/.config/strongroom');
    const create = help(['users', 'create']);
    expect(create).toContain('not echoed');
    expect(create).toContain('stdin');
  }, 60_000);
});
