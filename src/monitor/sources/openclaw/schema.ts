import * as z from 'zod/mini';
import { epochMs } from '../epoch.js';

/**
 * The parts of `openclaw models status --json` and `openclaw agents list --json` that authwatch
 * reads. Objects are loose because OpenClaw adds fields in most releases; the fields we use are
 * typed strictly, and those added in newer releases are optional.
 */

const name = () => z.string().check(z.minLength(1));

export const profileSchema = z.looseObject({
  profileId: name(),
  provider: name(),
  type: z.enum(['oauth', 'token', 'api_key']),
  status: name(),
  reasonCode: z.optional(z.string()),
  expiresAt: z.optional(epochMs()),
  /**
   * Where the agent's profile comes from. The gateway's `models.authStatus` says `inherited` for a
   * profile an agent with a store of its own reads from the shared store (also `saved`, `config`,
   * `external`); the CLI says `store` for all.
   */
  source: z.optional(z.string()),
});

export const unusableProfileSchema = z.looseObject({
  profileId: name(),
  provider: z.optional(name()),
  kind: name(),
  reason: z.optional(z.string()),
  until: z.optional(epochMs()),
  /** OpenClaw's own advice for this profile (2026.9+), e.g. "Wait for cooldown or switch provider.". */
  recoveryHint: z.optional(z.string()),
});

export const runtimeAuthRouteSchema = z.looseObject({
  provider: name(),
  /** The agent runtime that serves the provider's models, e.g. `codex`. */
  runtime: z.optional(z.string()),
  /** `usable`, `missing`, `indeterminate`, or `unavailable` (the runtime's plugin cannot run). */
  status: z.optional(z.string()),
  authStatus: z.optional(z.string()),
  runtimeDetail: z.optional(z.string()),
  runtimePluginIds: z.optional(z.array(z.string())),
});

/** A configured model OpenClaw cannot route: `incompatible`, `indeterminate` or `missing-auth`. */
export const modelRouteIssueSchema = z.looseObject({
  kind: name(),
  provider: name(),
  model: z.optional(z.string()),
  message: z.optional(z.string()),
});

/** The per-provider roll-up: which profiles survive the configured auth order. */
export const oauthProviderSchema = z.looseObject({
  provider: name(),
  effectiveProfiles: z.optional(z.array(z.looseObject({ profileId: name() }))),
});

const modelRef = z.optional(z.nullable(z.string()));

export const modelsStatusSchema = z.looseObject({
  agentId: z.optional(z.string()),
  /** The models OpenClaw uses (`provider/model`, or an alias): what puts a provider in use. */
  defaultModel: modelRef,
  resolvedDefault: modelRef,
  fallbacks: z.optional(z.array(z.string())),
  imageModel: modelRef,
  imageFallbacks: z.optional(z.array(z.string())),
  utilityModel: z.optional(z.nullable(z.looseObject({ ref: modelRef }))),
  aliases: z.optional(z.record(z.string(), z.unknown())),
  auth: z.looseObject({
    /**
     * The store this agent's profiles come from: the shared `<state>/state/openclaw.sqlite`, which an
     * agent without profiles of its own reads, or the agent's own `openclaw-agent.sqlite`. Agents that
     * name the same store hold the same credentials.
     */
    storePath: z.optional(z.string()),
    missingProvidersInUse: z._default(z.array(z.string()), []),
    unusableProfiles: z._default(z.array(unusableProfileSchema), []),
    runtimeAuthRoutes: z._default(z.array(runtimeAuthRouteSchema), []),
    modelRouteIssues: z._default(z.array(modelRouteIssueSchema), []),
    oauth: z.looseObject({
      profiles: z.array(profileSchema),
      providers: z.optional(z.array(oauthProviderSchema)),
    }),
  }),
});

export type ModelsStatus = z.output<typeof modelsStatusSchema>;

/**
 * The gateway's `models.authStatus` reply, checked where it enters like the CLI's JSON: a profile
 * that is not in this shape makes the read an error naming the field, never a crash further on.
 */
export const authStatusReplySchema = z.looseObject({
  providers: z._default(
    z.array(
      z.looseObject({
        provider: name(),
        /** The profiles in the order the provider's auth order gives (2026.9): a change means another effective profile. */
        profileOrder: z.optional(z.nullable(z.array(z.string()))),
        /** The provider's subscription windows, once the gateway's usage cache has them (2026.9). */
        usage: z.optional(
          z.nullable(
            z.looseObject({
              windows: z._default(
                z.array(
                  z.looseObject({
                    label: name(),
                    usedPercent: z.number().check(z.gte(0)),
                    resetAt: z.optional(z.nullable(epochMs())),
                  }),
                ),
                [],
              ),
            }),
          ),
        ),
        profiles: z._default(
          z.array(
            z.looseObject({
              profileId: name(),
              type: z.optional(z.string()),
              status: name(),
              reasonCode: z.optional(z.nullable(z.string())),
              source: z.optional(z.nullable(z.string())),
              expiry: z.optional(z.nullable(z.looseObject({ at: z.optional(z.nullable(epochMs())) }))),
            }),
          ),
          [],
        ),
      }),
    ),
    [],
  ),
  unavailable: z.optional(z.nullable(z.looseObject({ code: z.optional(z.string()) }))),
});

export type AuthStatusReply = z.output<typeof authStatusReplySchema>;

/** The gateway's `agents.list` reply. */
export const agentsListReplySchema = z.looseObject({
  defaultId: z.optional(z.nullable(z.string())),
  agents: z._default(z.array(z.looseObject({ id: name() })), []),
});

/** What OpenClaw prints on stdout with `--json` when the command itself fails. */
export const cliErrorSchema = z.looseObject({
  ok: z.literal(false),
  error: z.looseObject({ message: z.string() }),
});
