/** Copies the named fields in order; a field the source lacks is an error in the emulator, not a silent gap. */
export function pickFields(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((f) => {
      if (!(f in source)) throw new Error(`emulator bug: no value for field ${f}`);
      return [f, source[f]];
    }),
  );
}
