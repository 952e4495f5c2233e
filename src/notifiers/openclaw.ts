import { runProgram } from '../process/run.js';
import { quoteForeign } from '../redact.js';
import { chatText } from './message.js';
import type { OpenclawNotifierConfig } from './schemas.js';
import type { Alert, DeliveryResult, Notifier } from './types.js';
import type { Env } from '../env.js';

/**
 * The gateway's errors that sending again will not fix: a bad request (an unknown channel or
 * target), a channel that is not configured, a missing scope.
 */
const FINAL = /INVALID_REQUEST|UNKNOWN_CHANNEL|NOT_CONFIGURED|MISSING_SCOPE|FORBIDDEN|unknown channel|not configured|invalid/i;

/**
 * Alerts through the channels the OpenClaw gateway already has (Telegram, WhatsApp, Discord,
 * Slack, Signal, …). By default through the gateway's `send` RPC (scope `operator.write`), with the
 * alert's event id as its idempotency key, so a retry after a lost answer never sends twice; else
 * with `openclaw message send`, which has no such key and costs a CLI start (see docs). When the
 * gateway is down, so is this channel: pair it with one that does not depend on the gateway.
 */
export function createOpenclaw(config: OpenclawNotifierConfig, env: Env): Notifier {
  const name = config.name ?? 'openclaw';
  const label = `openclaw "${name}" (${config.channel})`;

  const viaGateway = async (alert: Alert, signal: AbortSignal): Promise<DeliveryResult & { fallback?: boolean }> => {
    const [{ gatewayTarget }, { openGatewayLink }] = await Promise.all([import('../openclaw/target.js'), import('../openclaw/gateway/link.js')]);
    let target: ReturnType<typeof gatewayTarget>;
    try {
      target = gatewayTarget(config.gateway, env);
    } catch (error) {
      return { ok: false, retryable: false, message: `${label}: ${(error as Error).message}` };
    }
    if (!target.ok) return { ok: false, retryable: false, fallback: true, message: `${label}: gateway: ${target.failure}` };
    // A device paired by URL was approved for reading only; sending needs a loopback or SSH-tunnel client.
    if (target.value.paired)
      return {
        ok: false,
        retryable: false,
        fallback: false,
        message: `${label}: sends through a local gateway or an SSH tunnel (gateway.ssh), not a paired URL`,
      };
    const opened = await openGatewayLink({ target: target.value, timeoutMs: config.timeout, env, scopes: ['operator.write'] });
    if (!opened.ok) return { ok: false, retryable: true, fallback: true, message: `${label}: ${opened.failure.message}` };
    const link = opened.value;
    try {
      const ready = await link.ready(signal);
      if (!ready.ok) {
        const { kind, message } = ready.failure;
        return { ok: false, retryable: kind !== 'auth', fallback: kind !== 'auth', message: `${label}: gateway: ${message}` };
      }
      // The attempt's deadline ends a send that hangs (the client's own request timeout is the same length).
      const sent = link.request('send', {
        channel: config.channel,
        to: config.target,
        message: chatText(alert),
        ...(config.account ? { accountId: config.account } : {}),
        ...(config.thread ? { threadId: config.thread } : {}),
        idempotencyKey: alert.id,
      });
      // Settled either way; when the deadline wins, its late outcome (or the close) is not unhandled.
      sent.catch(() => {});
      await Promise.race([
        sent,
        new Promise((_, reject) => {
          if (signal.aborted) reject(new Error('timed out'));
          signal.addEventListener('abort', () => reject(new Error(`no answer within ${config.timeout} ms`)), { once: true });
        }),
      ]);
      return { ok: true };
    } catch (error) {
      // The gateway says whether trying again can help; a timeout on this side says nothing.
      const e = error as { message?: string; gatewayCode?: string; retryable?: boolean };
      const why = `${e.gatewayCode ?? ''} ${e.message ?? String(error)}`.trim();
      const retryable = e.gatewayCode === undefined ? true : e.gatewayCode === 'UNAVAILABLE' || e.retryable === true || !FINAL.test(why);
      return { ok: false, retryable, message: `${label}: gateway send: ${quoteForeign(why, 200)}` };
    } finally {
      await link.close();
    }
  };

  const viaCli = async (alert: Alert): Promise<DeliveryResult> => {
    const { localCli } = await import('../openclaw/cli.js');
    const args = ['message', 'send', '--channel', config.channel, '--target', config.target, '--message', chatText(alert), '--json'];
    if (config.account) args.push('--account', config.account);
    if (config.thread) args.push('--thread-id', config.thread);
    const run = await runProgram(localCli(config.command, env).argv(args), { timeoutMs: config.timeout, env });
    if (!run.ok) return { ok: false, retryable: run.kind !== 'not-found', message: `${label}: ${run.message}` };
    if (run.exitCode === 0) return { ok: true };
    const said = /"error"\s*:\s*"([^"]{1,200})"/.exec(run.stdout)?.[1] ?? run.stderr.trim().split('\n').at(-1) ?? '';
    return {
      ok: false,
      retryable: !FINAL.test(said),
      message: `${label}: openclaw message send exited ${run.exitCode}${said ? `: ${quoteForeign(said, 200)}` : ''}`,
    };
  };

  return {
    name,
    type: 'openclaw',
    timeoutMs: config.timeout,
    // The CLI must be there only when it is the way (`auto` uses it as a fallback).
    ...(config.via === 'cli' ? { program: typeof config.command === 'string' ? config.command : config.command[0] } : {}),
    async send(alert, signal) {
      if (config.via === 'cli') return viaCli(alert);
      const sent = await viaGateway(alert, signal);
      if (sent.ok || config.via === 'gateway' || !sent.fallback) return sent;
      return viaCli(alert);
    },
  };
}
