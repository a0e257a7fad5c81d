/** What the completion scripts offer, taken from the option table (table.ts), and shell quoting. */
import { COMMAND_SPECS, type CommandName, type Completion, OPTION_SPECS, SOURCE_FORMS } from './table.js';

export const COMMAND_WORDS = COMMAND_SPECS.filter((c) => c.word).map((c) => c.word);
export const PREFIXES = SOURCE_FORMS.filter((s) => s.prefix).map((s) => s.prefix!);
/** Commands whose positional arguments are SOURCEs. */
export const SOURCE_COMMANDS: CommandName[] = ['analyse', 'diff'];

/** The spellings of the options whose (required) value is completed as `kind`. */
export function valueFlags(kind: Completion): string[] {
  return OPTION_SPECS.filter((o) => o.value && !o.optionalValue && (o.complete ?? 'none') === kind).flatMap(
    (o) => o.flags,
  );
}

/** A word in single quotes for bash and zsh. */
export function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
