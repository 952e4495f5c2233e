import type { Command } from 'commander';
import type { GatewayOptions } from '../commands/gateway.js';
import { configOption, type Registration } from './shared.js';

const which = (command: Command) =>
  command
    .addOption(configOption())
    .option('-g, --gateway <name>', 'the configured gateway (its name in sources.openclaw; default: the only one)')
    .option('--url <url>', 'the gateway URL instead, e.g. wss://gateway.lan:18789');

export const registerGateway: Registration = (program, ctx) => {
  const gateway = program.command('gateway').description('pair with an OpenClaw gateway on another host (by wss:// URL), forget a pairing, or show them');
  which(gateway.command('pair'))
    .description('pair authwatch with the gateway as a device (scope operator.read): prints the openclaw devices approve to run there, waits, stores the token')
    .option('--token <secret>', "the gateway's shared token for the first pairing: env:VAR or file:PATH")
    .option('--tls-fingerprint <sha256>', "pin the gateway's certificate (a self-signed wss:// gateway)")
    .option('--wait <duration>', 'how long to wait for the approval', '10m')
    .action(async (options: GatewayOptions) => {
      const { pairCommand } = await import('../commands/gateway.js');
      ctx.exitCode = await pairCommand(options, ctx.io);
    });
  which(gateway.command('unpair'))
    .description("forget this host's device token for the gateway (and print how to remove the device there)")
    .action(async (options: GatewayOptions) => {
      const { unpairCommand } = await import('../commands/gateway.js');
      ctx.exitCode = await unpairCommand(options, ctx.io);
    });
  gateway
    .command('status')
    .description("this host's device id and the gateways it is paired with")
    .action(async () => {
      const { gatewayStatusCommand } = await import('../commands/gateway.js');
      ctx.exitCode = await gatewayStatusCommand(ctx.io);
    });
};
