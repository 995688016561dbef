/** `strongroom keys rotate | job | jobs`: key rotation on a running server, as the logged-in admin. */
import { unwrap } from '@strongroom/client';
import { type Command, Option } from 'commander';
import { followJob, keysRotate } from '../keys.js';
import { emit, printTable, stdout } from '../output.js';
import { type ApiFlags, apiOptions, withApi } from './shared.js';

const progress = {
  isTTY: process.stderr.isTTY === true,
  write: (text: string) => process.stderr.write(text),
};

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('key rotation on a running server (admin)');

  apiOptions(
    keys.command('rotate').description('rotate the master key or a collection key and follow the job'),
  )
    .addOption(new Option('--master', 'rotate the master key (rewraps data keys)'))
    .addOption(new Option('--collection <name>', "rotate a collection's data key (re-encrypts its values)"))
    .addOption(new Option('--index', 'with --collection: rotate its blind index key instead'))
    .action(async (flags: ApiFlags & { master?: boolean; collection?: string; index?: boolean }) => {
      const job = await withApi(flags, (client) =>
        keysRotate(
          client,
          flags,
          flags.json === true ? () => undefined : (line) => stdout.line(line),
          progress,
        ),
      );
      if (flags.json === true) emit(true, job, () => undefined);
    });

  apiOptions(keys.command('job').argument('<id>').description('follow a key rotation job to its end')).action(
    async (id: string, flags: ApiFlags) => {
      const job = await withApi(flags, (client) => followJob(client, id, progress));
      if (flags.json === true) emit(true, job, () => undefined);
    },
  );

  apiOptions(keys.command('jobs').description('the newest key rotation jobs')).action(
    async (flags: ApiFlags) => {
      const { jobs } = await withApi(flags, async (client) => unwrap(await client.GET('/v1/keys/jobs')));
      emit(flags.json, jobs, (list) =>
        printTable(stdout, list, [
          'id',
          'kind',
          'status',
          'done',
          'total',
          'from_version',
          'to_version',
          'created_at',
        ]),
      );
    },
  );
}
