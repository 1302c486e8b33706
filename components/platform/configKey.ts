// The config namespace, in one place for every floor: a component that names a config key in a
// message (a maintenance token, a monitoring rule) spells it as the loader does.

/** Every key of this program is chainfleet:<path>. */
export const NS = "chainfleet";

/** A config key as a user types it: configKey("scitt.port") → "chainfleet:scitt.port". */
export const configKey = (dotted: string): string => `${NS}:${dotted}`;
