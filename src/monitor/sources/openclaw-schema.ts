import * as z from 'zod/mini';

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
  expiresAt: z.optional(z.number()),
});

export const unusableProfileSchema = z.looseObject({
  profileId: name(),
  provider: z.optional(name()),
  kind: name(),
  reason: z.optional(z.string()),
  until: z.optional(z.number()),
});

export const runtimeAuthRouteSchema = z.looseObject({
  provider: name(),
  authStatus: z.optional(z.string()),
});

export const modelsStatusSchema = z.looseObject({
  agentId: z.optional(z.string()),
  auth: z.looseObject({
    missingProvidersInUse: z._default(z.array(z.string()), []),
    unusableProfiles: z._default(z.array(unusableProfileSchema), []),
    runtimeAuthRoutes: z._default(z.array(runtimeAuthRouteSchema), []),
    oauth: z.looseObject({
      profiles: z.array(profileSchema),
    }),
  }),
});

export type ModelsStatus = z.output<typeof modelsStatusSchema>;

export const agentsListSchema = z.array(
  z.looseObject({
    id: name(),
    isDefault: z.optional(z.boolean()),
  }),
);

/** What OpenClaw prints on stdout with `--json` when the command itself fails. */
export const cliErrorSchema = z.looseObject({
  ok: z.literal(false),
  error: z.looseObject({ message: z.string() }),
});
