// Makes OpenClaw credential states that its CLI cannot make offline (an OAuth login, a failed
// refresh, a cooldown), with OpenClaw's own code, as ../shared/openclaw-test-states.md describes.
// Run by the `openclaw-sdk` wrapper (scripts/ensure-openclaw.mjs), under OpenClaw's Node, which
// counts it as an OpenClaw start: node openclaw-sdk.mjs <openclaw package dir> <action> [args].
//   oauth <provider> <email> <expires-in-ms>   an OAuth sign-in (anthropic), access token expiring then
//   fence <profile-id>                         that sign-in after a refresh that failed
//   failure <profile-id> <reason>              a failure OpenClaw counts (auth, rate_limit, billing, …)
//   success <profile-id>                       a successful use, as a chat turn records it
// HOME (and OPENCLAW_AGENT_DIR for another agent) say whose store.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, action, ...args] = process.argv.slice(2);
const dist = join(pkg, 'dist');
const load = (file) => import(pathToFileURL(join(dist, file)).href);

/** An internal export, found by name: OpenClaw's chunk files carry a content hash in their names. */
async function internal(name) {
  for (const file of readdirSync(dist)) {
    if (!file.endsWith('.mjs')) continue;
    const exports = readFileSync(join(dist, file), 'utf8').match(/export \{([^}]*)\};?\s*$/)?.[1];
    if (!exports) continue;
    for (const part of exports.split(',')) {
      const [local, alias] = part.trim().split(/\s+as\s+/);
      if (local === name) return (await load(file))[alias ?? local];
    }
  }
  throw new Error(`OpenClaw ${pkg} exports no ${name}`);
}

const auth = await load('plugin-sdk/provider-auth.js');
if (action === 'oauth') {
  const [provider, email, expiresIn] = args;
  if (provider !== 'anthropic') throw new Error('oauth: only anthropic here');
  const credentials = {
    access: `sk-ant-oat01-${'a'.repeat(48)}`,
    refresh: `sk-ant-ort01-${'r'.repeat(48)}`,
    expires: Date.now() + Number(expiresIn),
    email,
  };
  process.stdout.write(`${await auth.writeOAuthCredentials(provider, credentials, undefined, { profileName: email })}\n`);
} else if (action === 'fence') {
  const [profileId] = args;
  const credential = auth.ensureAuthProfileStore().profiles[profileId];
  if (!credential) throw new Error(`fence: no profile ${profileId}`);
  const fence = (await internal('createFailedOAuthRefreshFence'))((await internal('createOAuthRefreshFence'))({ profileId, credential }));
  await auth.upsertAuthProfileWithLock({ profileId, credential: fence });
} else if (action === 'failure') {
  const [profileId, reason] = args;
  const store = (await internal('ensureAuthProfileStore'))();
  await (await internal('markAuthProfileFailure'))({ store, profileId, reason });
} else if (action === 'success') {
  const [profileId] = args;
  const store = (await internal('ensureAuthProfileStore'))();
  await (await internal('markAuthProfileSuccess'))({ store, provider: profileId.split(':')[0], profileId });
} else {
  throw new Error(`unknown action ${action}`);
}
