// The text of a value read from JSON (an Azure answer) or YAML: `String(v)` for what prints as
// itself, never `[object Object]` for a structured value where a scalar was expected.

/** A JSON scalar as text: strings as they are, numbers and booleans as `String` writes them; anything else (null, an object, an array) is `fallback`. */
export function jsonScalarText(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;
}

/** What a YAML scalar node holds: a string, a number, a boolean, a bigint, or a Date (a YAML 1.1 timestamp); never an object. */
export type YamlScalarValue = string | number | boolean | bigint | Date;

/** A YAML scalar's value as `String` writes it (the yaml library types it `unknown`). */
export function yamlScalarText(v: unknown): string {
  return String(v as YamlScalarValue);
}
