/**
 * Providers OpenClaw renamed: since 2026.8, ChatGPT/Codex sign-in lives under `openai`, and
 * `openclaw doctor --fix` moves old `openai-codex:*` profiles there. A command authwatch prints or
 * runs never names the old one.
 */
const RENAMED: Record<string, string> = { 'openai-codex': 'openai' };

/** The provider id OpenClaw's commands take now for `provider`. */
export const currentProvider = (provider: string): string => RENAMED[provider] ?? provider;

/** Whether `provider` is a retired id whose profiles `openclaw doctor --fix` moves. */
export const isRetiredProvider = (provider: string): boolean => provider in RENAMED;
