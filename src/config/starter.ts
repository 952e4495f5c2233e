/**
 * The commented config `authwatch config init` writes. Every value shown is the default, so the
 * file behaves exactly like having no file until it is edited (a test holds this true).
 */
export const STARTER_CONFIG = `# authwatch configuration. Every value below is the default; edit what you need.
# Durations are written like 90m, 2h, 7d or 1h30m. Check this file with: authwatch config check

# When a credential counts as expiring soon.
thresholds:
  warn: 24h        # exit 2 and status "warn" inside this window (OpenClaw's own window is 24h)
  critical: 2h     # status "critical" inside this one; must be shorter than warn
  lapsed: 7d       # an OAuth login renews on use, so it stays ok past its access token's expiry;
                   # "warn" once it has lapsed this long with nothing renewing it

# Subscription usage windows (Claude Max, ChatGPT, …), which the gateway reports: "warn" and
# "critical" from this percentage of a window used; a full window is "unusable" until it resets.
usage:
  enabled: true
  warn: 80
  critical: 95

sources:
  # OpenClaw: through its running gateway (models.authStatus over its WebSocket), else its CLI
  # (\`openclaw agents list --json\`, then \`openclaw models status --json --agent ID\`), which takes
  # about ten times as long (docs/sources.md, "How fast each way is").
  openclaw:
    enabled: true
    command: openclaw   # a name on PATH, a path, or a list such as [node, /opt/openclaw/openclaw.mjs];
                        # the OPENCLAW_BIN environment variable overrides it
    agents: []          # which agents to check; empty means every agent OpenClaw lists
    timeout: 60s        # a read of OpenClaw taking longer is killed
    via: auto           # auto: the gateway when it answers, else the CLI; gateway: never the CLI; cli: never the gateway
    routesEvery: 7d     # through the gateway, what only the CLI reports (fallbacks, routes, cooldowns) is read
                        # again on every change it can see, and at least this often; off: never

  # Other CLIs' logins, which OpenClaw can reuse. auto: read the file when it exists; true: a
  # missing file is reported; false: off. path: another file than the default.
  claudeCode:
    enabled: auto       # ~/.claude/.credentials.json
  codex:
    enabled: auto       # $CODEX_HOME/auth.json, else ~/.codex/auth.json
  gemini:
    enabled: auto       # ~/.gemini/oauth_creds.json

  # Programs that print a JSON array of credential records, for anything else (docs/sources.md, "command").
  commands: []
  # commands:
  #   - name: vault
  #     command: [/usr/local/bin/list-credentials, --json]
  #     timeout: 30s

# How often \`authwatch check\` repeats an alert while a credential stays bad.
remind:
  warn: 12h
  critical: 2h
  expired: 1h      # also for missing, unusable, and failing sources

# A source (e.g. openclaw) must fail this many checks in a row before it alerts.
sourceErrorsAfter: 3

# OpenClaw profiles that no configured model uses (or the auth order leaves out) keep their true
# status but never fail the run; false: one low-priority notice each, true: alert on them too.
alertOnUnused: false

# Hold back warn-level alerts (and their "resolved") at night; critical and worse still go out.
# quietHours:
#   from: "22:00"
#   to: "07:00"
#   timezone: Europe/Berlin

# Retries within one run; what still fails waits in the outbox for the next run.
delivery:
  attempts: 3
  backoff: 1s
  deadline: 60s
  outboxMaxAge: 24h

# Where alerts go. Secrets may be literal, env:NAME or file:PATH.
notifiers: []
# notifiers:
#   - type: webhook
#     name: ops
#     url: https://example.com/hook
#     secret: env:AUTHWATCH_WEBHOOK_SECRET   # whsec_...; Standard Webhooks signature
#     format: generic                        # generic | slack | discord
#   - type: ntfy
#     topic: authwatch-replace-with-random   # on ntfy.sh anyone who guesses a topic reads it: openssl rand -hex 8
#     token: env:NTFY_TOKEN
#   - type: termux
#   - type: desktop
#   - type: command
#     command: [/usr/local/bin/page-me, --urgent]

# \`authwatch watch\`: when to check (5-field cron, or 6 with seconds first), and in which time zone.
# Besides this, watch also checks at the moment a credential crosses a threshold.
schedule: "*/15 * * * *"
# timezone: Europe/Berlin

# Pinged after every completed check (Healthchecks.io, Uptime Kuma push, any dead-man's switch);
# failUrl (default: url + "/fail") when the status could not be determined.
# heartbeat:
#   url: env:AUTHWATCH_HEARTBEAT_URL
#   method: GET

# Diagnostics on stderr, as JSON lines: fatal, error, warn, info, debug, trace or silent.
# Default: warn for check and status, info for watch (one line per check).
# logLevel: warn
`;
