import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { getDataDir } from '../paths.js';

/** The Claude Code hooks `ct hook <name>` answers. */
export type HookName = 'session-start' | 'stop';
export const HOOK_NAMES: readonly HookName[] = ['session-start', 'stop'];

/** `<data dir>/config.json`: user settings of `ct` itself (other keys are left to their owners). */
export const userConfigFile = (env: NodeJS.ProcessEnv = process.env): string =>
  path.join(getDataDir(env), 'config.json');

const Switch = z.union([z.boolean(), z.enum(['on', 'off'])]);
const HooksSettingSchema = z.union([Switch, z.object({ 'session-start': Switch.optional(), stop: Switch.optional() })]);

const isOn = (value: z.infer<typeof Switch> | undefined): boolean =>
  value === undefined || value === true || value === 'on';

/**
 * Whether a hook may run. `CT_HOOKS` wins: `off` (or 0/false/no/none) turns both off, `on` (or
 * all) both on, and a comma list such as `session-start` names the ones to keep. Otherwise the
 * `hooks` key of `<data dir>/config.json`: `false`/`"off"`, or `{"session-start": false, "stop": false}`.
 * A config file that cannot be read or parsed leaves the hooks on: it must never break a session.
 */
export async function isHookEnabled(hook: HookName, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return (await explainHook(hook, env)).enabled;
}

export interface HookSetting {
  hook: HookName;
  enabled: boolean;
  /** What decided it: the CT_HOOKS variable, the config file, or the default (on). */
  from: 'CT_HOOKS' | 'config.json' | 'default';
}

/** Whether a hook is on, and which setting decided it (for `ct hook`). */
export async function explainHook(hook: HookName, env: NodeJS.ProcessEnv = process.env): Promise<HookSetting> {
  const fromEnv = env.CT_HOOKS?.trim().toLowerCase();
  if (fromEnv) {
    if (['off', '0', 'false', 'no', 'none'].includes(fromEnv)) return { hook, enabled: false, from: 'CT_HOOKS' };
    if (['on', '1', 'true', 'yes', 'all'].includes(fromEnv)) return { hook, enabled: true, from: 'CT_HOOKS' };
    return { hook, enabled: fromEnv.split(/[\s,]+/).includes(hook), from: 'CT_HOOKS' };
  }
  const setting = await readHooksSetting(env);
  if (setting === undefined) return { hook, enabled: true, from: 'default' };
  const value = typeof setting === 'object' ? setting[hook] : setting;
  return { hook, enabled: isOn(value), from: value === undefined ? 'default' : 'config.json' };
}

async function readHooksSetting(env: NodeJS.ProcessEnv): Promise<z.infer<typeof HooksSettingSchema> | undefined> {
  const text = await fs.readFile(userConfigFile(env), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = z.object({ hooks: HooksSettingSchema.optional() }).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.hooks : undefined;
  } catch {
    return undefined;
  }
}
