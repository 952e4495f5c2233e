import type { ReauthOptions } from '../commands/reauth.js';
import { configOption, type Registration } from './shared.js';

export const registerReauth: Registration = (program, ctx) => {
  program
    .command('reauth')
    .description("renew a credential where its gateway runs (over ssh -t for a remote one), step by step as OpenClaw's docs give it, then check")
    .addOption(configOption())
    .option('-g, --gateway <name>', 'the gateway (its name in sources.openclaw; default: the only one)')
    .option('-p, --provider <id>', 'the provider to renew', 'anthropic')
    .option('-a, --agent <id>', 'the OpenClaw agent (default: the one OpenClaw marks default, named in every step once there are several)')
    .option('--paste', 'paste a token made on another machine (paste-token) instead of making one there (setup-token)')
    .option('-n, --dry-run', 'print the commands; run nothing')
    .option('--list', "print the gateways' names, one per line")
    .action(async (options: ReauthOptions) => {
      const { reauthCommand } = await import('../commands/reauth.js');
      ctx.exitCode = await reauthCommand(options, ctx.io);
    });
};
