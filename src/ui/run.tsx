/** Temporary: the TUI is being built; until then the interactive mode prints the text summary. */
import type { SourceSpec } from '../sources/source-spec.js';
import type { CliArgs } from '../cli.js';
import { loadImage } from '../sources/load.js';
import { loadOptions } from '../cli.js';
import { textReport } from '../report/text.js';
import { StrataError, EXIT_INPUT } from '../errors.js';

export async function runTui(spec: SourceSpec | null, args: CliArgs): Promise<number> {
  if (!spec) throw new StrataError('no SOURCE given', EXIT_INPUT);
  const img = await loadImage(spec, loadOptions(args));
  process.stdout.write(textReport(img));
  return 0;
}
