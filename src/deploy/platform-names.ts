/**
 * Every deploy platform, in the order help and errors list them, and what kind of thing it makes:
 * files (with the commands that activate them), or an automation inside OpenClaw's gateway. Plain
 * data, so that the help text can name them without loading a generator; what each platform does is
 * the table in platforms.ts, which the compiler holds to exactly these keys.
 */
export const PLATFORM_FACTS = {
  systemd: { makes: 'files', installs: true },
  termux: { makes: 'files', installs: true },
  launchd: { makes: 'files', installs: true },
  // One crontab line, added by hand (`crontab -e`): install would have to edit the user's crontab.
  cron: { makes: 'files', installs: false },
  openclaw: { makes: 'automation', installs: true },
} as const;

export type Platform = keyof typeof PLATFORM_FACTS;
/** The platforms whose deployment is files (the others, an automation in the gateway). */
export type FilePlatform = { [P in Platform]: (typeof PLATFORM_FACTS)[P]['makes'] extends 'files' ? P : never }[Platform];

export const PLATFORMS = Object.keys(PLATFORM_FACTS) as Platform[];

const where = (test: (facts: (typeof PLATFORM_FACTS)[Platform]) => boolean) => PLATFORMS.filter((p) => test(PLATFORM_FACTS[p]));
export const FILE_PLATFORMS = where((f) => f.makes === 'files') as FilePlatform[];
/** The platforms `install` installs: doctor looks for their files, and the others are refused with how to do it by hand. */
export const INSTALLABLE = where((f) => f.installs);

/** `a, b, c or d`. */
export const listed = (names: readonly string[], last: 'or' | 'and') =>
  names.length > 1 ? `${names.slice(0, -1).join(', ')} ${last} ${names.at(-1)}` : (names[0] ?? '');

/** What `generate` and `install` say in --help: derived from the facts above. */
export const PLATFORM_HELP = {
  generate: `print the files that run authwatch on a schedule: ${listed(FILE_PLATFORMS, 'or')}; or the OpenClaw automation (${where((f) => f.makes === 'automation').join(', ')})`,
  install: `write those files to their places and enable them (${FILE_PLATFORMS.filter((p) => PLATFORM_FACTS[p].installs).join(', ')}), or create the OpenClaw automation (${where((f) => f.makes === 'automation' && f.installs).join(', ')})`,
};
