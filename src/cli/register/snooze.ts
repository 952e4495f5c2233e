import type { Registration } from './shared.js';

/** `snooze` and `unsnooze`: hold back one credential's (or a glob's) alerts for a while. */
export const registerSnooze: Registration = (program, ctx) => {
  program
    .command('snooze')
    .description('hold back firing and reminders for a credential id or glob until a time is up, or it recovers')
    .argument('[id]', 'a credential id (as in status --json), or a glob: * any run of characters, ? one')
    .option('--for <duration>', 'how long, e.g. 4h (at most 90d)')
    .option('--reason <text>', 'why, shown in status, --json and snooze --list')
    .option('--list', 'list the snoozes in force')
    .action(async (id: string | undefined, options: { for?: string; reason?: string; list?: boolean }) => {
      const { listSnoozes, snoozeCommand } = await import('../commands/snooze.js');
      if (options.list) ctx.exitCode = await listSnoozes(ctx.io);
      else if (id === undefined) {
        const { UsageError } = await import('../../errors.js');
        throw new UsageError('snooze: name a credential id or glob, or use --list');
      } else ctx.exitCode = await snoozeCommand(id, options, ctx.io);
    });
  program
    .command('unsnooze')
    .description('end a snooze now (give it as it was given)')
    .argument('<id>', 'the id or glob the snooze was given')
    .action(async (id: string) => {
      const { unsnoozeCommand } = await import('../commands/snooze.js');
      ctx.exitCode = await unsnoozeCommand(id, ctx.io);
    });
};
