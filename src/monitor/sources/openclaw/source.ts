import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openclawStateDir } from '../../../config/paths.js';
import { localCli, sshCli } from '../../../openclaw/cli.js';
import { urlHost } from '../../../openclaw/gateway/url.js';
import { prose } from '../../remedy-lines.js';
import type { SourceResult, Transport } from '../../types.js';
import type { Source } from '../source.js';
import { type OpenclawConfig, type OpenclawGateway, openclawConfigSchema } from './config.js';
import type { ReadContext } from './context.js';
import { openclawRemedy } from './remedy.js';
import { readOpenclaw, sourceError } from './via-cli.js';
import { readGateway } from './via-gateway.js';

export const SOURCE = 'openclaw';

/**
 * OpenClaw gateways: every agent's profiles, as `openclaw models status --json` reports them, read
 * through the running gateway or the CLI, here or on another host. Several gateways are read at
 * once (a remote one costs this host nothing but a connection).
 */
export const openclawSource: Source<OpenclawConfig> = {
  schema: openclawConfigSchema,
  read: async (gateways, { env, log, agents, session }) => {
    const results = await Promise.all(
      gateways
        .filter((g) => g.enabled)
        .map(async (gateway) => {
          const started = process.hrtime.bigint();
          const until = Date.now() + gateway.timeout;
          const result = await readGatewayOrCli(gateway, agents?.length ? agents : gateway.agents, { env, log, session, until });
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          return labelled(gateway, result, durationMs);
        }),
    );
    return {
      observations: results.flatMap((r) => r.observations),
      covered: results.flatMap((r) => r.covered),
      transports: results.flatMap((r) => r.transports ?? []),
    };
  },
  owns: (source) => source === SOURCE,
  // Per gateway and agent: `--agent work` must never resolve agent main's alerts.
  // Usage windows apart: a gateway reply without them (its usage cache still warming) resolves none.
  scopeOf: (record) => `${idPrefix(record.gateway?.name ?? null)}:${record.agent ?? '*'}${record.usage ? ':usage' : ''}`,
  remedy: openclawRemedy,
  /**
   * A local gateway's state dir, the `state/` store and each agent's `agents/<id>/agent`, each on
   * its own (not recursively: the state dir also holds agent workspaces). Remote ones: nothing.
   */
  watchDirs(gateways, env) {
    if (!gateways.some((g) => g.enabled && !remoteHost(g))) return [];
    const state = openclawStateDir(env);
    const dirs = [state, join(state, 'state')];
    try {
      for (const agent of readdirSync(join(state, 'agents'))) dirs.push(join(state, 'agents', agent, 'agent'));
    } catch {
      // No agents directory yet.
    }
    return dirs;
  },
  describe: (gateways) => gateways.filter((g) => g.enabled).map((g) => (g.name ? `${SOURCE} (gateway ${g.name})` : SOURCE)),
};

/** `openclaw` for the one unnamed gateway (ids without a gateway name), `openclaw@<name>` for a named one. */
const idPrefix = (name: string | null) => (name ? `${SOURCE}@${name}` : SOURCE);

/** The host a gateway's config points at, if not this one. */
function remoteHost(gateway: OpenclawGateway): string | undefined {
  return gateway.ssh ?? gateway.gateway.ssh ?? urlHost(gateway.gateway.url);
}

/**
 * Marks a gateway's records as its own: ids and scopes carry its name (when it has one), and a
 * record from another host says where its CLI runs, so that its remedies run there.
 */
function labelled(gateway: OpenclawGateway, result: SourceResult & { ssh?: string | null }, durationMs: number): SourceResult {
  const prefix = idPrefix(gateway.name);
  const rename = (id: string) => (prefix === SOURCE ? id : id.replace(/^openclaw(?=:)/, prefix));
  const ssh = result.ssh ?? null;
  const where = gateway.name || ssh ? { gateway: { name: gateway.name, ssh, command: gateway.remoteCommand } } : {};
  return {
    observations: result.observations.map((o) => ({ ...o, id: rename(o.id), ...(o.replaces ? { replaces: o.replaces.map(rename) } : {}), ...where })),
    covered: result.covered.map(rename),
    transports: (result.transports ?? []).map((t) => ({ ...t, ...(gateway.name ? { gateway: gateway.name } : {}), durationMs })),
  };
}

/**
 * One gateway: through the gateway when `via` allows and it answers, else through the CLI (here,
 * or over SSH on the gateway's host). The CLI of this host never stands in for another host's.
 */
async function readGatewayOrCli(gateway: OpenclawGateway, agents: string[], ctx: ReadContext): Promise<SourceResult & { ssh?: string | null }> {
  const cli = gateway.ssh ? sshCli(gateway.ssh, gateway.sshArgs, gateway.remoteCommand, gateway.timeout) : localCli(gateway.command, ctx.env);
  if (gateway.via === 'cli' && gateway.gateway.ssh && !gateway.ssh) {
    // This host's CLI would describe this host, not the one gateway.ssh names.
    const remedy = prose(
      `Run the CLI there instead: sources.openclaw.ssh: ${gateway.gateway.ssh}\nOr read its gateway through the tunnel: sources.openclaw.via: auto`,
    );
    const message = `sources.openclaw.via is cli, but the gateway is on ${gateway.gateway.ssh} (gateway.ssh) and this host's CLI cannot read it`;
    return {
      observations: [{ ...sourceError('openclaw:agents', null, message), remedy }],
      covered: [],
      transports: [{ via: 'cli' }],
      ssh: gateway.gateway.ssh,
    };
  }
  let fallbackReason: string | null = null;
  if (gateway.via !== 'cli') {
    const viaGateway = await readGateway(gateway, agents, cli, ctx);
    if (viaGateway.ok) return viaGateway.value;
    fallbackReason = viaGateway.failure;
    const { noteTransport } = await import('./route-facts.js');
    await noteTransport(gateway, { via: 'cli', reason: fallbackReason }, ctx);
  }
  const result = await readOpenclaw({ cli, agents, timeoutMs: gateway.timeout, until: ctx.until, env: ctx.env, log: ctx.log });
  const transport: Transport = { via: 'cli', agents: result.agents, fallbackReason, ...(cli.ssh ? { ssh: cli.ssh } : {}) };
  return { ...result, transports: [transport], ssh: cli.ssh };
}
