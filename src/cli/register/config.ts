import { configOption, type Registration } from './shared.js';

export const registerConfig: Registration = (program, ctx) => {
  const config = program.command('config').description('write or validate the config file');
  config
    .command('init')
    .description('write a commented starter config (every value is the default)')
    .addOption(configOption())
    .option('-f, --force', 'overwrite an existing file')
    .action(async (options: { config?: string; force?: boolean }) => {
      const { configInit } = await import('../commands/config.js');
      ctx.exitCode = await configInit(options, ctx.io);
    });
  config
    .command('check')
    .description('validate the config file and show what is in effect')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      const { configCheck } = await import('../commands/config.js');
      ctx.exitCode = await configCheck(options, ctx.io);
    });
};
