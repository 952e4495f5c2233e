import { configOption, type Registration } from './shared.js';

export const registerNotify: Registration = (program, ctx) => {
  const notify = program.command('notify').description('try the configured notifiers');
  notify
    .command('test')
    .description('send a test alert through every notifier (or one) and print what happened; exit 1 if any failed')
    .addOption(configOption())
    .option('-n, --notifier <name>', 'only this notifier (its name, or its type when unnamed)')
    .action(async (options: { config?: string; notifier?: string }) => {
      const { notifyTest } = await import('../commands/notify.js');
      ctx.exitCode = await notifyTest(options, ctx.io);
    });
};
