import type { Registration } from './shared.js';

/** `history`: what happened to the credentials, from the state directory's history.jsonl. */
export const registerHistory: Registration = (program, ctx) => {
  program
    .command('history')
    .description('list what happened: alerts fired, reminded and resolved, renewals, snoozes, failing sources, transport switches')
    .argument('[id]', 'only this credential id, or a glob (* any run of characters, ? one)')
    .option('--since <duration>', 'how far back (default 7d; the history keeps 90d)')
    .option('--json', 'print one JSON document: events and renewal cadence')
    .action(async (id: string | undefined, options: { since?: string; json?: boolean }) => {
      const { historyCommand } = await import('../commands/history.js');
      ctx.exitCode = await historyCommand(id, options, ctx.io);
    });
};
