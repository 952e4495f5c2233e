import { configOption, type Registration } from './shared.js';

export const registerDoctor: Registration = (program, ctx) => {
  program
    .command('doctor')
    .description('check that the scheduled job can work: node and openclaw on its PATH, config, notifiers, schedule; exit 1 on a problem')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      const { doctorCommand } = await import('../commands/doctor.js');
      ctx.exitCode = await doctorCommand(options, ctx.io);
    });
};
