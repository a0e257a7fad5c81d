/** The man page strata.1 (roff), generated from the option table (src/cli/table.ts) at build time. */
import { COMMAND_SPECS, ENV_SPECS, EXIT_CODES, OPTION_SPECS, SOURCE_FORMS, type OptionSpec } from './table.js';

/** Text as roff: backslashes and hyphens escaped, a leading dot or quote neutralised. */
function roff(s: string): string {
  const t = s.replace(/\\/g, '\\e').replace(/-/g, '\\-');
  return /^[.']/.test(t) ? `\\&${t}` : t;
}

function optionHead(o: OptionSpec): string {
  const flags = o.flags.map((f) => `\\fB${roff(f)}\\fR`).join(', ');
  if (!o.value) return flags;
  const v = `\\fI${roff(o.value)}\\fR`;
  return `${flags} ${o.optionalValue ? `[${v}]` : v}`;
}

export function manPage(version: string, date: string): string {
  const out: string[] = [];
  out.push(`.TH STRATA 1 "${date}" "strata ${roff(version)}" "User Commands"`);
  out.push('.SH NAME', 'strata \\- explore a container image layer by layer and find the space it wastes');
  out.push('.SH SYNOPSIS');
  for (const c of COMMAND_SPECS) {
    out.push('.B strata');
    out.push(roff(`${c.word ? `${c.word} ` : ''}${c.synopsis}`));
    out.push('.br');
  }
  out.push('.SH DESCRIPTION');
  out.push(
    'Strata streams the layers of a container image from a Docker Engine, an archive, an OCI layout or a registry, ' +
      'computes what each layer adds, changes and removes, and shows the bytes a layer ships that the final ' +
      'filesystem ' +
      'never shows, with the layer that shipped them and the layer that hid them. On a terminal it opens a TUI; ' +
      'otherwise it prints a text report, the JSON report (\\fB\\-\\-json\\fR) or the CI verdict (\\fB\\-\\-ci\\fR).',
  );
  out.push('.SH COMMANDS');
  for (const c of COMMAND_SPECS) {
    out.push('.TP', `\\fBstrata${c.word ? ` ${c.word}` : ''}\\fR ${roff(c.synopsis)}`, roff(c.help));
  }
  out.push('.SH SOURCE');
  for (const s of SOURCE_FORMS) out.push('.TP', `\\fB${roff(s.form)}\\fR`, roff(s.help.join(' ')));
  out.push('.SH OPTIONS');
  for (const o of OPTION_SPECS) out.push('.TP', optionHead(o), roff(o.help.join(' ')));
  out.push('.SH ENVIRONMENT');
  for (const e of ENV_SPECS) out.push('.TP', `\\fB${roff(e.name)}\\fR`, roff(e.help));
  out.push('.SH EXIT STATUS');
  for (const [n, what] of EXIT_CODES) out.push('.TP', `\\fB${n}\\fR`, roff(what));
  out.push('.SH FILES');
  out.push(
    '.TP',
    '\\fB.dive\\-ci\\fR',
    'CI rules and ignore globs, read from the current directory with \\fB\\-\\-ci\\fR.',
  );
  out.push(
    '.TP',
    '\\fBschema/report.schema.json\\fR',
    'the JSON Schema (2020\\-12) of the \\fB\\-\\-json\\fR report, in the package.',
  );
  out.push('.SH SEE ALSO', '\\fBdocker\\fR(1), \\fBdive\\fR(1), \\fBskopeo\\fR(1)');
  return `${out.join('\n')}\n`;
}
