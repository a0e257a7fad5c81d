/** The text of `strata --help`, written from the option table (table.ts). */
import { COMMAND_SPECS, ENV_SPECS, EXIT_CODES, OPTION_SPECS, type OptionSpec, SOURCE_FORMS } from './table.js';

const COL = 28;

function block(label: string, lines: string[]): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(COL + 2);
  if (label.length > COL - 2) {
    out.push(`  ${label}`);
    for (const l of lines) out.push(pad + l);
  } else {
    out.push(`  ${label.padEnd(COL)}${lines[0] ?? ''}`);
    for (const l of lines.slice(1)) out.push(pad + l);
  }
  return out;
}

function optionLabel(o: OptionSpec): string {
  const v = o.value ? (o.optionalValue ? ` [${o.value}]` : ` ${o.value}`) : '';
  return o.flags.join(', ') + v;
}

/** The text of `strata --help`. */
export function usageText(): string {
  const cmds = COMMAND_SPECS.map(
    (c, i) => `${i === 0 ? 'Usage: ' : '       '}strata ${c.word ? `${c.word} ` : ''}${c.synopsis}`,
  );
  const out = [...cmds, '', 'Explore a container image layer by layer and find the space it wastes.', '', 'SOURCE'];
  for (const s of SOURCE_FORMS) out.push(...block(s.form, s.help));
  out.push('', 'Options');
  for (const o of OPTION_SPECS) out.push(...block(optionLabel(o), o.help));
  out.push('', 'Commands');
  for (const c of COMMAND_SPECS.slice(1)) out.push(...block(c.word, [c.help]));
  out.push('', 'Environment');
  for (const e of ENV_SPECS) out.push(...block(e.name, [e.help]));
  out.push('', `Exit codes: ${EXIT_CODES.map(([n, what]) => `${n} ${what}`).join(', ')}.`);
  return out.join('\n');
}
